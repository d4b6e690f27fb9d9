import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FlexPayError } from '../../../lib';

/** Protocol field names as the node shows them, for error descriptions. */
const FIELD_LABELS: Record<string, string> = {
	priceAmount: 'Amount',
	priceCurrency: 'Currency',
	description: 'Description',
	paymentMethod: 'Payment Method',
	referenceID: 'Reference ID',
	custom1: 'Custom 1',
	custom2: 'Custom 2',
	custom3: 'Custom 3',
	successURL: 'Success URL',
	declineURL: 'Decline URL',
	email: 'Email',
	oneClickToken: 'One-Click Token',
	mcc: 'MCC',
	subCreditorName: 'Sub-Creditor Name',
	subCreditorId: 'Sub-Creditor ID',
	subCreditorCountry: 'Sub-Creditor Country',
	subscriptionType: 'Subscription Type',
	period: 'Period',
	name: 'Name',
	trialAmount: 'Trial Amount',
	trialPeriod: 'Trial Period',
	precedingSaleID: 'Preceding Sale ID',
	upgradeOption: 'Upgrade Option',
	saleID: 'Sale ID',
	shopId: 'Shop ID (credential)',
	signatureKey: 'Signature Key (credential)',
	brand: 'Brand (credential)',
	baseUrl: 'Custom Base URL (credential)',
};

/** Parameter that a lib error points at, in the words of the node's UI. */
export function fieldLabel(field: string | undefined): string | undefined {
	if (field === undefined) return undefined;
	return FIELD_LABELS[field] ?? field;
}

/**
 * A lib error as the node shows it: the message says what happened, the
 * description names the parameter and says how to fix it.
 */
export function flexPayErrorToNodeError(node: INode, error: FlexPayError, itemIndex: number): NodeOperationError {
	const label = fieldLabel(error.field);
	const parts = [label ? `Parameter: ${label}.` : undefined, error.hint ? sentence(error.hint) : undefined];
	const description = parts.filter((part) => part !== undefined).join(' ');
	return new NodeOperationError(node, error.message, {
		itemIndex,
		...(description ? { description } : {}),
	});
}

/**
 * A `NodeApiError` built from plain, known-safe strings only. n8n's error
 * wrapping keeps whatever object it is given (for an HTTP failure that would be
 * the request with its query and signature), so the original error is never
 * passed on.
 */
export function safeApiError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
	httpCode?: string,
): NodeApiError {
	const response: JsonObject = { message, description };
	if (httpCode !== undefined) response.httpCode = httpCode;
	return new NodeApiError(node, response, {
		itemIndex,
		message,
		description,
		...(httpCode !== undefined ? { httpCode } : {}),
	});
}

function sentence(text: string): string {
	return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Any error of an item, as the NodeOperationError / NodeApiError the node throws. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof FlexPayError) return flexPayErrorToNodeError(node, error, itemIndex);
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
