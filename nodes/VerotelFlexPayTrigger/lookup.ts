/** "Fetch Sale Details": the status service's answer about each item's sale, and its verdict. */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	crossCheckPostback,
	sampleSaleStatus,
	type Confirmation,
	type ConfirmationPostback,
	type FlexPayParams,
} from '../../lib';
import { readStatusAnswer, saleToJson, sendSaleStatusRequest } from '../shared/saleStatus';
import { messageOf, safeErrorReason, safeReason } from '../shared/redaction';

/** Upper bound for the lookup, which runs inside the execution (with "When the Workflow Starts", before the `OK`). */
export const STATUS_LOOKUP_TIMEOUT_MS = 15000;

/**
 * Adds `sale`, `saleLookup` and the verdict (`confirmed`, `confirmation.reason`
 * when false) to each item. The postback is stored by now, so a failed lookup
 * marks its item not confirmed, for the lookup's reason, and the item goes on.
 */
export async function addSaleDetails(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<void> {
	let credentials: ICredentialDataDecryptedObject;
	try {
		credentials =
			await this.getCredentials<ICredentialDataDecryptedObject>(FLEXPAY_CREDENTIAL_TYPE);
	} catch (error) {
		const reason = `The credential could not be read: ${safeErrorReason(error)}`;
		for (const item of items) Object.assign(item.json, failedLookup({ reason }));
		this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`);
		return;
	}
	const key = typeof credentials.signatureKey === 'string' ? credentials.signatureKey : undefined;
	for (const item of items)
		Object.assign(item.json, await lookupSale.call(this, item.json as ConfirmationPostback, key));
}

/**
 * Asks the status service about the sale (the cross check Verotel recommends)
 * and compares its answer with the postback. Never throws: a failure is
 * `saleLookup.ok = false`, not confirmed.
 */
async function lookupSale(
	this: IExecuteFunctions,
	postback: ConfirmationPostback,
	signatureKey?: string,
): Promise<IDataObject> {
	if ((postback as IDataObject).test === true) return sampleLookup(postback as IDataObject);
	// Every postback the trigger accepts carries a saleID (lib/saleMessage.ts); an item edited upstream may not.
	if (postback.saleID === undefined) return failedLookup({ reason: 'The item carries no saleID' });

	let answer;
	try {
		answer = readStatusAnswer(
			await sendSaleStatusRequest.call(this, { saleID: postback.saleID }, STATUS_LOOKUP_TIMEOUT_MS),
		);
	} catch (error) {
		const reason = `The status request failed: ${safeReason(messageOf(error), signatureKey)}`;
		return failedLookup({ reason });
	}
	const httpStatus = answer.httpStatus === undefined ? {} : { httpStatus: answer.httpStatus };
	if (!answer.read)
		return failedLookup({ reason: safeReason(answer.reason, signatureKey), ...httpStatus });

	const { status } = answer;
	const confirmation = crossCheckPostback(postback, status);
	if (status.response === 'FOUND') {
		return {
			sale: saleToJson(status),
			saleLookup: { ok: true, response: 'FOUND', ...httpStatus },
			...verdict(confirmation),
		};
	}
	// NOTFOUND or ERROR: the cross check's reason, with the service's own (redacted) text for ERROR.
	const base = confirmation.confirmed ? status.response : confirmation.reason;
	const reason =
		status.response === 'ERROR'
			? `${base}: ${safeReason(status.error ?? 'no error text', signatureKey)}`
			: base;
	return failedLookup({ response: status.response, reason, ...httpStatus });
}

/** A test postback's sale, clearly marked, without asking Verotel (which knows no such sale): never confirmed. */
function sampleLookup(json: IDataObject): IDataObject {
	const status = sampleSaleStatus((json.params ?? {}) as FlexPayParams);
	return {
		sale: { ...saleToJson(status), sample: true },
		saleLookup: { ok: true, response: 'FOUND', sample: true },
		...verdict(notConfirmed('A test postback: its sale is a sample, not asked of Verotel')),
	};
}

const notConfirmed = (reason: string): Confirmation => ({ confirmed: false, reason });

/** The item's verdict fields: `confirmed`, and `confirmation.reason` when it is false. */
function verdict(confirmation: Confirmation): IDataObject {
	return confirmation.confirmed
		? { confirmed: true }
		: { confirmed: false, confirmation: { reason: confirmation.reason } };
}

/** A lookup without a sale: `saleLookup` says why, and the sale is not confirmed, for the same reason. */
function failedLookup(lookup: IDataObject & { reason: string }): IDataObject {
	return { saleLookup: { ok: false, ...lookup }, ...verdict(notConfirmed(lookup.reason)) };
}
