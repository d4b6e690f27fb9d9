import type { FlexPayConfig } from './config';
import { excerpt, FlexPayStatusError, FlexPayValidationError } from './errors';
import { buildSignedRequest, PATHS, type SignedRequest } from './request';
import { checkId, checkText, isEmpty } from './validation';

/** A sale is looked up either by Verotel's saleID or by the merchant's referenceID, never both. */
export type StatusQuery = { saleID: string | number; referenceID?: undefined } | { referenceID: string; saleID?: undefined };

/** Signed `salestatus` request (shopID, saleID | referenceID, version, signature). */
export function buildStatusRequest(config: FlexPayConfig, query: StatusQuery): SignedRequest {
	const q = (query ?? {}) as { saleID?: string | number; referenceID?: string };
	const hasSale = !isEmpty(q.saleID);
	const hasReference = !isEmpty(q.referenceID);
	if (hasSale === hasReference) {
		throw new FlexPayValidationError(
			hasSale ? 'referenceID' : 'saleID',
			hasSale ? 'Give either saleID or referenceID, not both' : 'Give a saleID or a referenceID to look up',
			'The status service accepts exactly one of them',
		);
	}
	return buildSignedRequest(
		config,
		PATHS.salestatus,
		hasSale ? { saleID: checkId('saleID', q.saleID, true) } : { referenceID: checkText('referenceID', q.referenceID, 255, true) },
	);
}

export const buildStatusUrl = (config: FlexPayConfig, query: StatusQuery): string => buildStatusRequest(config, query).url;

export type StatusResponse = 'FOUND' | 'NOTFOUND' | 'ERROR';

export interface BillingAddress {
	fullName?: string;
	company?: string;
	addressLine1?: string;
	addressLine2?: string;
	city?: string;
	zip?: string;
	state?: string;
	country?: string;
}

export interface SaleStatus {
	response: StatusResponse;
	found: boolean;
	/** The service's own error text, for `response: ERROR`. */
	error?: string;
	saleID?: string;
	referenceID?: string;
	shopID?: string;
	saleResult?: string;
	email?: string;
	priceAmount?: string;
	priceCurrency?: string;
	paymentMethod?: string;
	country?: string;
	billingAddress?: BillingAddress;
	/** Every `key: value` line as received, values kept as strings. */
	fields: Record<string, string>;
}

/** The status service sends the billing address as `billingAddr_<part>` fields; `billingAddress` groups them. */
export const BILLING_ADDRESS_PREFIX = 'billingAddr_';

/**
 * Parses the YAML-like `key: value` body of `salestatus`. Deliberately not a
 * YAML parser: values such as `0.00`, dates and `no` must stay strings. Only
 * the first `:` splits a line, surrounding quotes are removed, unknown keys
 * are kept. The success value `FOUND` was never seen literally [INFER], so a
 * body with sale fields but no `response` line also counts as found.
 */
export function parseStatusResponse(text: string): SaleStatus {
	if (typeof text !== 'string') {
		throw new FlexPayStatusError('STATUS_UNREADABLE', 'The sale status answer is not text', 'Check the base URL points at the FlexPay status service');
	}
	const fields: Record<string, string> = {};
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	const plainLines: string[] = [];
	for (const rawLine of lines) {
		const line = rawLine.trim();
		if (line === '' || line === '---' || line === '...' || line.startsWith('#')) continue;
		const match = /^([A-Za-z][A-Za-z0-9_\-]*)\s*:(?:\s+(.*)|)$/.exec(line);
		if (!match) {
			plainLines.push(line);
			continue;
		}
		// Which of two answers would be the real one cannot be known; reading either could report a wrong status.
		if (match[1] === 'response' && fields.response !== undefined) {
			throw new FlexPayStatusError(
				'STATUS_UNREADABLE',
				'The sale status answer has more than one "response" line',
				'Check that the base URL points at the FlexPay status service and that no proxy alters its answer',
			);
		}
		fields[match[1]] = unquote((match[2] ?? '').trim());
	}
	const responseValue = (fields.response ?? '').toUpperCase();
	let response: StatusResponse;
	if (responseValue === 'FOUND' || responseValue === 'NOTFOUND' || responseValue === 'ERROR') {
		response = responseValue;
	} else if (responseValue === '' && (fields.saleID !== undefined || fields.saleResult !== undefined)) {
		response = 'FOUND';
	} else {
		throw new FlexPayStatusError(
			'STATUS_UNREADABLE',
			responseValue === ''
				? 'The sale status answer has no "response" line'
				: `The sale status answer has an unknown response "${excerpt(fields.response)}"`,
			'Check that the base URL points at the FlexPay status service and not at another page',
		);
	}
	const status: SaleStatus = { response, found: response === 'FOUND', fields };
	if (response === 'ERROR') {
		// The error text is an `error:` line [INFER from community field lists]; one
		// community parser takes the third line instead, which the fallback covers.
		status.error = fields.error || fields.message || plainLines[0] || lines.map((l) => l.trim()).filter(Boolean)[2] || 'No error text given';
	}
	for (const key of ['saleID', 'referenceID', 'shopID', 'saleResult', 'email', 'priceAmount', 'priceCurrency', 'paymentMethod', 'country'] as const) {
		if (fields[key] !== undefined) status[key] = fields[key];
	}
	const billing: BillingAddress = {};
	for (const key of Object.keys(fields)) {
		if (!key.startsWith(BILLING_ADDRESS_PREFIX)) continue;
		(billing as Record<string, string>)[key.slice(BILLING_ADDRESS_PREFIX.length)] = fields[key];
	}
	if (Object.keys(billing).length > 0) status.billingAddress = billing;
	return status;
}

function unquote(value: string): string {
	if (value.length >= 2) {
		const first = value[0];
		const last = value[value.length - 1];
		if (first === "'" && last === "'") return value.slice(1, -1).replace(/''/g, "'");
		if (first === '"' && last === '"') {
			try {
				return JSON.parse(value) as string;
			} catch {
				return value.slice(1, -1);
			}
		}
	}
	return value;
}
