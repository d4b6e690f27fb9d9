import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	BILLING_ADDRESS_PREFIX,
	FlexPayStatusError,
	parseAmount,
	parseStatusResponse,
	PATHS,
	type SaleStatus,
} from '../../lib';
import { bodyText, sendForAnswer } from './http';

/** One sale, by Verotel's saleID or by the merchant's referenceID. */
export type StatusLookup = { saleID: string } | { referenceID: string };

const SHAPED_KEYS = new Set(['found', 'response', 'amount', 'billingAddress']);

/**
 * A sale as both nodes output it (Sale > Get Status, the trigger's `sale`):
 * `found`, `response`, `known` (what was asked for, when the service does not
 * know the sale), every returned field as text, `amount` as a number and the
 * `billingAddr_*` fields grouped as `billingAddress`.
 */
export function saleToJson(status: SaleStatus, known: IDataObject = {}): IDataObject {
	const json: IDataObject = { found: status.found, response: status.response, ...known };
	for (const [key, value] of Object.entries(status.fields)) {
		if (SHAPED_KEYS.has(key) || key.startsWith(BILLING_ADDRESS_PREFIX)) continue;
		json[key] = value;
	}
	if (status.found) json.amount = parseAmount(status.priceAmount);
	if (status.billingAddress) json.billingAddress = { ...status.billingAddress };
	return json;
}

/**
 * The sale-status request of both nodes: `GET /salestatus` for one sale, signed
 * by the FlexPay credential's authenticate (shopID, version, signature; the key
 * itself is never sent). Every HTTP answer is returned: Sale > Get Status turns
 * failures into errors, the trigger's "Fetch Sale Details" into `saleLookup`.
 * A request without an answer rejects as sendForAnswer says.
 */
export async function sendSaleStatusRequest(
	this: IExecuteFunctions,
	lookup: StatusLookup,
	timeout: number,
): Promise<IN8nHttpFullResponse> {
	return await sendForAnswer.call(this, {
		method: 'GET',
		url: PATHS.salestatus,
		qs: { ...lookup },
		timeout,
		credentialType: FLEXPAY_CREDENTIAL_TYPE,
	});
}

/**
 * The status service's answer as both nodes read it: a status only from a
 * 2xx answer (or one without a status code) whose body parses; otherwise why
 * not, with `httpFailed` when the HTTP status was the reason.
 */
export type StatusAnswer =
	| { read: true; status: SaleStatus; httpStatus?: number }
	| { read: false; reason: string; hint?: string; httpFailed: boolean; httpStatus?: number };

export function readStatusAnswer(response: Partial<IN8nHttpFullResponse>): StatusAnswer {
	const httpStatus = typeof response.statusCode === 'number' ? response.statusCode : undefined;
	if (httpStatus !== undefined && (httpStatus < 200 || httpStatus >= 300)) {
		const reason = `The FlexPay status service answered HTTP ${httpStatus}`;
		return { read: false, reason, httpFailed: true, httpStatus };
	}
	const text = bodyText(response.body);
	try {
		if (text === undefined)
			throw new FlexPayStatusError('STATUS_UNREADABLE', 'The sale status answer is not text');
		return { read: true, status: parseStatusResponse(text), httpStatus };
	} catch (error) {
		const statusError = error instanceof FlexPayStatusError ? error : undefined;
		return {
			read: false,
			reason: statusError?.message ?? 'The sale status answer could not be read',
			hint: statusError?.hint,
			httpFailed: false,
			httpStatus,
		};
	}
}
