/** "Fetch Sale Details": the status service's answer about each item's sale, and its verdict. */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	crossCheckPostback,
	parseStatusResponse,
	sampleSaleStatus,
	type Confirmation,
	type ConfirmationPostback,
	type FlexPayParams,
	type SaleStatus,
} from '../../lib';
import { bodyText } from '../shared/http';
import { saleToJson, sendSaleStatusRequest, type StatusLookup } from '../shared/saleStatus';
import { messageOf, safeErrorReason, safeReason } from './redaction';

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
		for (const item of items) Object.assign(item.json, failedLookup(reason));
		this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`);
		return;
	}
	for (const item of items) {
		const postback = item.json as ConfirmationPostback;
		try {
			Object.assign(item.json, await lookupSale.call(this, postback, credentials));
		} catch (error) {
			const reason = safeErrorReason(error, credentials.signatureKey as string);
			Object.assign(item.json, failedLookup(reason));
			this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`, {
				saleID: postback.saleID ?? null,
			});
		}
	}
}

/**
 * Asks the status service about the sale (the cross check Verotel recommends)
 * and compares its answer with the postback. Never throws: a failure is
 * `saleLookup.ok = false`, not confirmed.
 */
export async function lookupSale(
	this: IExecuteFunctions,
	postback: ConfirmationPostback,
	credentials: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	const signatureKey =
		typeof credentials.signatureKey === 'string' ? credentials.signatureKey : undefined;
	if ((postback as IDataObject).test === true) return sampleLookup(postback as IDataObject);
	// Every postback the trigger accepts carries a saleID (lib/saleMessage.ts); an item edited upstream may not.
	if (postback.saleID === undefined) return failedLookup('The item carries no saleID');
	const lookup: StatusLookup = { saleID: postback.saleID };

	let response: Partial<IN8nHttpFullResponse> | undefined;
	try {
		response = await sendSaleStatusRequest.call(this, lookup, STATUS_LOOKUP_TIMEOUT_MS);
	} catch (error) {
		return failedLookup(`The status request failed: ${safeReason(messageOf(error), signatureKey)}`);
	}

	const httpStatus = typeof response?.statusCode === 'number' ? response.statusCode : undefined;
	const text = bodyText(response?.body);
	let status: SaleStatus;
	try {
		if (text === undefined) throw new Error('The status service sent no text');
		status = parseStatusResponse(text);
	} catch (error) {
		const reason =
			httpStatus !== undefined && httpStatus >= 400
				? `The status service answered HTTP ${httpStatus}`
				: safeReason(messageOf(error), signatureKey);
		return {
			saleLookup: withStatus({ ok: false, reason }, httpStatus),
			...verdict(notConfirmed(reason)),
		};
	}

	const confirmation = crossCheckPostback(postback, status);
	if (status.response === 'FOUND') {
		return {
			sale: saleToJson(status),
			saleLookup: withStatus({ ok: true, response: 'FOUND' }, httpStatus),
			...verdict(confirmation),
		};
	}
	// NOTFOUND or ERROR: the cross check's reason, with the service's own (redacted) text for ERROR.
	const base = confirmation.confirmed ? status.response : confirmation.reason;
	const reason =
		status.response === 'ERROR'
			? `${base}: ${safeReason(status.error ?? 'no error text', signatureKey)}`
			: base;
	return {
		saleLookup: withStatus({ ok: false, response: status.response, reason }, httpStatus),
		...verdict(notConfirmed(reason)),
	};
}

const notConfirmed = (reason: string): Confirmation => ({ confirmed: false, reason });

/** A test postback's sale, clearly marked, without asking Verotel (which knows no such sale): never confirmed. */
function sampleLookup(json: IDataObject): IDataObject {
	const status = sampleSaleStatus((json.params ?? {}) as FlexPayParams);
	return {
		sale: { ...saleToJson(status), sample: true },
		saleLookup: { ok: true, response: 'FOUND', sample: true },
		...verdict(notConfirmed('A test postback: its sale is a sample, not asked of Verotel')),
	};
}

/** The item's verdict fields: `confirmed`, and `confirmation.reason` when it is false. */
function verdict(confirmation: Confirmation): IDataObject {
	return confirmation.confirmed
		? { confirmed: true }
		: { confirmed: false, confirmation: { reason: confirmation.reason } };
}

/** A lookup that failed: `saleLookup` says why, and the sale is not confirmed, for the same reason. */
function failedLookup(reason: string): IDataObject {
	return { saleLookup: { ok: false, reason }, ...verdict(notConfirmed(reason)) };
}

function withStatus(lookup: IDataObject, httpStatus: number | undefined): IDataObject {
	if (httpStatus !== undefined) lookup.httpStatus = httpStatus;
	return lookup;
}
