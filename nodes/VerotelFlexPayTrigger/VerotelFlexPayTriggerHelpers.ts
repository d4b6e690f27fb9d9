import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IDataObject,
	IHttpRequestOptions,
	INodePropertyOptions,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	accessFor,
	FlexPayMalformedQueryError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayValidationError,
	parseStatusResponse,
	type FlexPayPostback,
	type SaleStatus,
} from '../../lib';

/** Upper bound for the optional status lookup, which runs inside the execution (Verotel already got its `OK`). */
export const STATUS_LOOKUP_TIMEOUT_MS = 15000;

/** Events the "Events" option offers; `other` stands for events this version does not know. */
export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Cancel', value: 'cancel', description: 'A subscription was cancelled' },
	{ name: 'Chargeback', value: 'chargeback', description: 'The buyer’s bank reversed a payment' },
	{ name: 'Credit (Refund)', value: 'credit', description: 'A payment was refunded' },
	{ name: 'Downgrade', value: 'downgrade', description: 'A subscription was downgraded' },
	{ name: 'Expiry', value: 'expiry', description: 'A subscription expired' },
	{ name: 'Extend', value: 'extend', description: 'A subscription was extended' },
	{ name: 'Initial (Subscription Start)', value: 'initial', description: 'A new subscription was paid' },
	{ name: 'Other', value: 'other', description: 'Any event this node does not know yet' },
	{ name: 'Purchase', value: 'purchase', description: 'A one-off purchase was paid' },
	{ name: 'Rebill', value: 'rebill', description: 'A subscription was charged again' },
	{ name: 'Uncancel', value: 'uncancel', description: 'A cancelled subscription was resumed' },
	{ name: 'Upgrade', value: 'upgrade', description: 'A subscription was upgraded' },
];

export const ALL_EVENTS: string[] = EVENT_OPTIONS.map((option) => String(option.value));

const KNOWN_EVENTS = new Set(ALL_EVENTS.filter((event) => event !== 'other'));

/** The parts of the Express response this trigger writes. */
export interface PostbackResponse {
	headersSent?: boolean;
	status(code: number): PostbackResponse;
	type(contentType: string): PostbackResponse;
	send(body: string): unknown;
}

/**
 * When the trigger's OK leaves. `whenStored`: n8n sends it, and n8n 2.x does so
 * only after it has stored the execution (n8n 1.x before the run). `whenRunStarts`:
 * the trigger sends it from inside the execution, which n8n 1.x has stored by then too.
 */
export type AnswerOk = 'whenStored' | 'whenRunStarts';

export interface TriggerOptions {
	answerOk: AnswerOk;
	events: string[];
	fetchSaleDetails: boolean;
	ignoreRepeats: boolean;
	allowSha1: boolean;
}

/** Options collection with the documented defaults filled in. */
export function resolveOptions(raw: IDataObject | undefined): TriggerOptions {
	const options = raw ?? {};
	return {
		answerOk: options.answerOk === 'whenRunStarts' ? 'whenRunStarts' : 'whenStored',
		events: Array.isArray(options.events) ? options.events.map(String) : ALL_EVENTS,
		fetchSaleDetails: options.fetchSaleDetails === true,
		ignoreRepeats: options.ignoreRepeats !== false,
		allowSha1: options.allowSha1 !== false,
	};
}

/** Whether the (normalised) event is among the selected ones; unknown events count as `other`. */
export function isEventSelected(event: string, selected: string[]): boolean {
	return selected.includes(KNOWN_EVENTS.has(event) ? event : 'other');
}

/** Writes a plain-text answer unless something already answered. */
export function sendText(res: PostbackResponse, statusCode: number, body: string): void {
	if (res.headersSent === true) return;
	res.status(statusCode).type('text/plain').send(body);
}

/** What the trigger answers and logs for a request it refuses. */
export interface Rejection {
	statusCode: 400 | 401 | 403 | 503;
	body: string;
	level: 'warn' | 'error';
	message: string;
	code: string;
}

/**
 * Maps anything thrown while reading or verifying a postback to an answer.
 * Nothing becomes a 500: n8n would answer "Workflow could not be started" and
 * record a failed execution. Problems on our side (credential incomplete,
 * unexpected errors) answer 503: the postback is not acknowledged, so Verotel
 * may deliver it again once the problem is fixed.
 */
export function classifyError(error: unknown, signatureKey?: string): Rejection {
	if (error instanceof FlexPayMalformedQueryError) {
		const reason = safeReason(error.message, signatureKey);
		return {
			statusCode: 400,
			body: `Bad Request: ${reason}`,
			level: 'warn',
			message: `Verotel FlexPay Trigger rejected a malformed postback (400): ${reason}`,
			code: error.code,
		};
	}
	if (error instanceof FlexPaySignatureError) {
		return {
			statusCode: 401,
			body: 'Unauthorized',
			level: 'warn',
			message:
				error.code === 'SIGNATURE_MISSING'
					? 'Verotel FlexPay Trigger rejected a postback without signature (401)'
					: 'Verotel FlexPay Trigger rejected a postback whose signature does not match (401): check that the credential holds this website’s signature key',
			code: error.code,
		};
	}
	if (error instanceof FlexPayShopMismatchError) {
		return {
			statusCode: 403,
			body: 'Forbidden',
			level: 'warn',
			message: `Verotel FlexPay Trigger rejected a postback for shop ${safeReason(error.receivedShopID, signatureKey)} (403): the credential is for another shop`,
			code: error.code,
		};
	}
	if (error instanceof FlexPayValidationError) {
		return {
			statusCode: 503,
			body: 'Service Unavailable',
			level: 'error',
			message: `Verotel FlexPay Trigger cannot verify postbacks, fix the credential: ${safeReason(error.message, signatureKey)}${
				error.hint ? `. ${safeReason(error.hint, signatureKey)}` : ''
			}. Answered 503, not OK: Verotel may send the postback again, and refunds card sales that never get OK`,
			code: error.code,
		};
	}
	return {
		statusCode: 503,
		body: 'Service Unavailable',
		level: 'error',
		message: `Verotel FlexPay Trigger could not process a postback: ${safeReason(messageOf(error), signatureKey)}. Answered 503, not OK: Verotel may send the postback again`,
		code: 'UNEXPECTED',
	};
}

function messageOf(error: unknown): string {
	if (error instanceof Error) return error.message;
	return typeof error === 'string' ? error : 'unknown error';
}

/**
 * Text from errors or remote services made safe for logs, items and response
 * bodies: no signature key, no signature values, printable, short.
 */
export function safeReason(text: string, signatureKey?: string, maxLength = 200): string {
	let out = String(text);
	const key = (signatureKey ?? '').trim();
	if (key.length >= 4) out = out.split(key).join('[redacted]');
	out = out
		.replace(/(signature=)[^&\s"']*/gi, '$1[redacted]')
		.replace(/[0-9a-f]{32,}/gi, '[redacted]')
		.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
	return out.length > maxLength ? `${out.slice(0, maxLength - 1)}…` : out;
}

/** The emitted item: absent postback fields stay absent (never null). */
export function buildItem(postback: FlexPayPostback, httpMethod: string, receivedAt: Date): IDataObject {
	const item: IDataObject = { event: postback.event };
	const copy = (field: keyof FlexPayPostback): void => {
		const value = postback[field];
		if (value !== undefined && value !== null) item[field] = value as string | number;
	};
	copy('type');
	copy('saleID');
	copy('transactionID');
	copy('referenceID');
	copy('parentID');
	copy('shopID');
	copy('amount');
	copy('amountString');
	copy('currency');
	copy('paymentMethod');
	copy('custom1');
	copy('custom2');
	copy('custom3');
	copy('CCBrand');
	copy('truncatedPAN');
	copy('oneClickToken');
	copy('subscriptionPhase');
	copy('subscriptionType');
	copy('nextChargeOn');
	copy('expiresOn');
	copy('period');
	copy('precededBySaleID');
	item.access = { ...accessFor(postback) };
	item.idempotencyKey = postback.idempotencyKey;
	item.receivedAt = receivedAt.toISOString();
	item.signatureAlgorithm = postback.signatureAlgorithm;
	item.httpMethod = httpMethod;
	item.params = { ...postback.params };
	return item;
}

interface FullResponse {
	body?: unknown;
	statusCode?: number;
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
	const qs: IDataObject = {};
	if (postback.saleID !== undefined) qs.saleID = postback.saleID;
	else if (postback.referenceID !== undefined) qs.referenceID = postback.referenceID;
	else return { saleLookup: { ok: false, reason: 'The postback carries neither saleID nor referenceID' } };

	const request: IHttpRequestOptions = {
		method: 'GET',
		url: '/salestatus',
		qs,
		json: false,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: STATUS_LOOKUP_TIMEOUT_MS,
	};
	let response: FullResponse;
	try {
		response = ((await this.helpers.httpRequestWithAuthentication.call(this, FLEXPAY_CREDENTIAL_TYPE, request)) ?? {}) as FullResponse;
	} catch (error) {
		return { saleLookup: { ok: false, reason: `The status request failed: ${safeReason(messageOf(error), signatureKey)}` } };
	}

	const httpStatus = typeof response.statusCode === 'number' ? response.statusCode : undefined;
	const text = typeof response.body === 'string' ? response.body : Buffer.isBuffer(response.body) ? response.body.toString('utf8') : undefined;
	let status: SaleStatus;
	try {
		if (text === undefined) throw new Error('The status service sent no text');
		status = parseStatusResponse(text);
	} catch (error) {
		const reason = httpStatus !== undefined && httpStatus >= 400 ? `The status service answered HTTP ${httpStatus}` : safeReason(messageOf(error), signatureKey);
		return { saleLookup: withStatus({ ok: false, reason }, httpStatus) };
	}

	if (status.response === 'FOUND') {
		return { sale: saleFromStatus(status), saleLookup: withStatus({ ok: true, response: 'FOUND' }, httpStatus) };
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

function saleFromStatus(status: SaleStatus): IDataObject {
	const sale: IDataObject = {};
	for (const key of ['saleResult', 'email', 'saleID', 'referenceID', 'shopID', 'priceAmount', 'priceCurrency', 'paymentMethod', 'country'] as const) {
		if (status[key] !== undefined) sale[key] = status[key];
	}
	if (status.billingAddress !== undefined) sale.billingAddress = { ...status.billingAddress };
	sale.fields = { ...status.fields };
	return sale;
}
