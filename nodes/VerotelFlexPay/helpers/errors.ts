import type { INode, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPayApi } from '../../../credentials/VerotelFlexPayApi.credentials';
import { FlexPayError, SIGNED_REQUEST_PARAMS } from '../../../lib';

/**
 * The lib's field names that errors show by a parameter's display name: the
 * parameters of a FlexPay request, signed or not (email, oneClickToken), where
 * the node has a parameter for them. Any other field (a postback's `event`, a
 * query key of a redirect) is shown as the lib names it.
 */
const REQUEST_FIELDS: readonly string[] = [...SIGNED_REQUEST_PARAMS, 'email', 'oneClickToken'];

/** The node's parameters named otherwise than the request field they fill. */
const PARAMETER_NAMES: Record<string, string> = {
	priceAmount: 'amount',
	priceCurrency: 'currency',
};

/** Protocol field name -> the label the node shows for it. */
export type FieldLabels = Record<string, string>;

/** The credential's fields (the lib's config fields) by the credential's labels. */
const CREDENTIAL_LABELS: FieldLabels = Object.fromEntries(
	new VerotelFlexPayApi().properties.map((field) => [
		field.name,
		`${field.displayName} (credential)`,
	]),
);

/**
 * The labels of the lib's fields, taken from the node's parameters (collections
 * included; the first parameter of a name counts), so an error names a
 * parameter exactly as the node shows it.
 */
export function parameterLabels(parameters: INodeProperties[]): FieldLabels {
	const shown = new Map<string, string>();
	const visit = (list: INodeProperties[]): void => {
		for (const parameter of list) {
			if (!shown.has(parameter.name)) shown.set(parameter.name, parameter.displayName);
			if (parameter.type === 'collection') visit((parameter.options ?? []) as INodeProperties[]);
		}
	};
	visit(parameters);
	const labels: FieldLabels = {};
	for (const field of REQUEST_FIELDS) {
		const label = shown.get(PARAMETER_NAMES[field] ?? field);
		if (label !== undefined) labels[field] = label;
	}
	return labels;
}

/**
 * A lib error as the node shows it: the message says what happened, the
 * description names the parameter or credential field (by its label) and says how to fix it.
 */
export function flexPayErrorToNodeError(
	node: INode,
	error: FlexPayError,
	itemIndex: number,
	labels: FieldLabels,
): NodeOperationError {
	const label =
		error.field === undefined
			? undefined
			: (CREDENTIAL_LABELS[error.field] ?? labels[error.field] ?? error.field);
	const parts = [
		label ? `Parameter: ${label}.` : undefined,
		error.hint ? sentence(error.hint) : undefined,
	];
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

/** Any error of an item, as the NodeOperationError / NodeApiError the node throws; `labels` from parameterLabels. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	labels: FieldLabels,
): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof FlexPayError) return flexPayErrorToNodeError(node, error, itemIndex, labels);
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}
