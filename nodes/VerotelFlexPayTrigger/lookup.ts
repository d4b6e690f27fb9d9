import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import { parseStatusResponse, type FlexPayPostback, type SaleStatus } from '../../lib';
import { bodyText } from '../shared/http';
import { saleToJson, sendSaleStatusRequest, type StatusLookup } from '../shared/saleStatus';
import { messageOf, safeErrorReason, safeReason } from './redaction';

/** Upper bound for the optional status lookup, which runs inside the execution (with "When the Workflow Starts", before the `OK`). */
export const STATUS_LOOKUP_TIMEOUT_MS = 15000;

/**
 * "Fetch Sale Details": adds `sale` and `saleLookup` to each item. The postback
 * is stored by now (and, with the default "Answer OK", answered), so a failed
 * lookup marks its item and the item goes on.
 */
export async function addSaleDetails(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<void> {
	let credentials: ICredentialDataDecryptedObject;
	try {
		credentials = await this.getCredentials<ICredentialDataDecryptedObject>(FLEXPAY_CREDENTIAL_TYPE);
	} catch (error) {
		const reason = `The credential could not be read: ${safeErrorReason(error)}`;
		for (const item of items) item.json.saleLookup = { ok: false, reason };
		this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`);
		return;
	}
	for (const item of items) {
		const postback = item.json as Pick<FlexPayPostback, 'saleID' | 'referenceID'>;
		try {
			Object.assign(item.json, await lookupSale.call(this, postback, credentials));
		} catch (error) {
			const reason = safeErrorReason(error, credentials.signatureKey as string);
			item.json.saleLookup = { ok: false, reason };
			this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`, { saleID: postback.saleID ?? null });
		}
	}
}

/**
 * Asks the FlexPay status service about the sale (the "cross check" Verotel
 * recommends) through the credential, which adds shopID, version and the
 * signature. Never throws: failures come back as `saleLookup.ok = false`.
 */
export async function lookupSale(
	this: IExecuteFunctions,
	postback: Pick<FlexPayPostback, 'saleID' | 'referenceID'>,
	credentials: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	const signatureKey = typeof credentials.signatureKey === 'string' ? credentials.signatureKey : undefined;
	let lookup: StatusLookup;
	if (postback.saleID !== undefined) lookup = { saleID: postback.saleID };
	else if (postback.referenceID !== undefined) lookup = { referenceID: postback.referenceID };
	else return { saleLookup: { ok: false, reason: 'The postback carries neither saleID nor referenceID' } };

	let response: Partial<IN8nHttpFullResponse> | undefined;
	try {
		response = await sendSaleStatusRequest.call(this, lookup, STATUS_LOOKUP_TIMEOUT_MS);
	} catch (error) {
		return { saleLookup: { ok: false, reason: `The status request failed: ${safeReason(messageOf(error), signatureKey)}` } };
	}

	const httpStatus = typeof response?.statusCode === 'number' ? response.statusCode : undefined;
	const text = bodyText(response?.body);
	let status: SaleStatus;
	try {
		if (text === undefined) throw new Error('The status service sent no text');
		status = parseStatusResponse(text);
	} catch (error) {
		const reason = httpStatus !== undefined && httpStatus >= 400 ? `The status service answered HTTP ${httpStatus}` : safeReason(messageOf(error), signatureKey);
		return { saleLookup: withStatus({ ok: false, reason }, httpStatus) };
	}

	if (status.response === 'FOUND') {
		return { sale: saleToJson(status), saleLookup: withStatus({ ok: true, response: 'FOUND' }, httpStatus) };
	}
	const reason =
		status.response === 'NOTFOUND'
			? 'The status service does not know this sale'
			: `The status service answered ERROR: ${safeReason(status.error ?? 'no error text', signatureKey)}`;
	return { saleLookup: withStatus({ ok: false, response: status.response, reason }, httpStatus) };
}

function withStatus(lookup: IDataObject, httpStatus: number | undefined): IDataObject {
	if (httpStatus !== undefined) lookup.httpStatus = httpStatus;
	return lookup;
}
