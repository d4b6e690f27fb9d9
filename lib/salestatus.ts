import type { FlexPayConfig } from './config';
import { excerpt, FlexPayStatusError, FlexPayValidationError } from './errors';
import { buildSignedRequest, PATHS, type SignedRequest } from './request';
import { checkId, checkText, isEmpty } from './validation';

/** A sale is looked up either by Verotel's saleID or by the merchant's referenceID, never both. */
export type StatusQuery =
	| { saleID: string | number; referenceID?: undefined }
	| { referenceID: string; saleID?: undefined };

/** Signed `salestatus` request (shopID, saleID | referenceID, version, signature). */
export function buildStatusRequest(config: FlexPayConfig, query: StatusQuery): SignedRequest {
	const q = (query ?? {}) as { saleID?: string | number; referenceID?: string };
	const hasSale = !isEmpty(q.saleID);
	const hasReference = !isEmpty(q.referenceID);
	if (hasSale === hasReference) {
		throw new FlexPayValidationError(
			hasSale ? 'referenceID' : 'saleID',
			hasSale
				? 'Give either saleID or referenceID, not both'
				: 'Give a saleID or a referenceID to look up',
			'The status service accepts exactly one of them',
		);
	}
	return buildSignedRequest(
		config,
		PATHS.salestatus,
		hasSale
			? { saleID: checkId('saleID', q.saleID, true) }
			: { referenceID: checkText('referenceID', q.referenceID, 255, true) },
	);
}

export const buildStatusUrl = (config: FlexPayConfig, query: StatusQuery): string =>
	buildStatusRequest(config, query).url;

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
 *
 * The answer comes from outside, so it is read in one pass without a
 * backtracking regex: each character is looked at a bounded number of times,
 * whatever the answer holds.
 *
 * A key that comes twice with different values is refused: which line is the
 * real one cannot be known, and reading either could report a wrong status
 * (`saleResult: NOK` then `saleResult: OK`). The same key with the same value
 * twice is kept, as both readings agree. `response` twice is always refused: it
 * starts an answer, so two of them mean two answers glued together.
 */
export function parseStatusResponse(text: string): SaleStatus {
	if (typeof text !== 'string') {
		throw new FlexPayStatusError(
			'STATUS_UNREADABLE',
			'The sale status answer is not text',
			'Check the base URL points at the FlexPay status service',
		);
	}
	const fields: Record<string, string> = {};
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	let firstPlainLine: string | undefined;
	// One community parser takes the third line as the error text, counting every non-empty line.
	let thirdLine: string | undefined;
	let nonEmptyLines = 0;
	for (let start = 0; start <= body.length; ) {
		let end = start;
		while (end < body.length && !isLineBreak(body.charCodeAt(end))) end++;
		// The line is body[first, last): trimmed by index, so no copy is made of a line that is skipped.
		let first = start;
		let last = end;
		while (first < last && isBlank(body.charCodeAt(first))) first++;
		while (last > first && isBlank(body.charCodeAt(last - 1))) last--;
		start = end + (body.charCodeAt(end) === CR && body.charCodeAt(end + 1) === LF ? 2 : 1);

		if (first === last) continue;
		if (++nonEmptyLines === 3) thirdLine = body.slice(first, last);
		if (isMarkerOrComment(body, first, last)) continue;
		const keyEnd = fieldKeyEnd(body, first, last);
		if (keyEnd < 0) {
			if (firstPlainLine === undefined) firstPlainLine = body.slice(first, last);
			continue;
		}
		// fieldKeyEnd checked that only blanks stand between the key and the colon.
		let valueStart = keyEnd;
		while (body.charCodeAt(valueStart) !== COLON) valueStart++;
		valueStart++;
		while (valueStart < last && isBlank(body.charCodeAt(valueStart))) valueStart++;
		const key = body.slice(first, keyEnd);
		const value = unquote(body.slice(valueStart, last));

		// Values read are strings; anything else is Object's own (a key such as `constructor`), not an earlier line.
		const earlier: unknown = fields[key];
		if (typeof earlier !== 'string') {
			fields[key] = value;
		} else if (key === 'response') {
			throw new FlexPayStatusError(
				'STATUS_UNREADABLE',
				'The sale status answer has more than one "response" line',
				'Check that the base URL points at the FlexPay status service and that no proxy alters its answer',
			);
		} else if (earlier !== value) {
			throw new FlexPayStatusError(
				'STATUS_UNREADABLE',
				`The sale status answer has two "${excerpt(key, 60)}" lines with different values`,
				'Check that the base URL points at the FlexPay status service and that no proxy alters its answer',
			);
		}
	}
	const responseValue = (fields.response ?? '').toUpperCase();
	let response: StatusResponse;
	if (responseValue === 'FOUND' || responseValue === 'NOTFOUND' || responseValue === 'ERROR') {
		response = responseValue;
	} else if (
		responseValue === '' &&
		(fields.saleID !== undefined || fields.saleResult !== undefined)
	) {
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
	const status = saleStatusOf(response, fields);
	if (response === 'ERROR') {
		// The error text is an `error:` line [INFER from community field lists]; one
		// community parser takes the third line instead, which the fallback covers.
		status.error =
			fields.error || fields.message || firstPlainLine || thirdLine || 'No error text given';
	}
	return status;
}

/** The fields a SaleStatus names as properties, when the answer has them. */
const NAMED_FIELDS = [
	'saleID',
	'referenceID',
	'shopID',
	'saleResult',
	'email',
	'priceAmount',
	'priceCurrency',
	'paymentMethod',
	'country',
] as const;

/**
 * A status from the answer's `key: value` fields: the named fields as
 * properties, the `billingAddr_*` fields grouped as `billingAddress`.
 */
export function saleStatusOf(response: StatusResponse, fields: Record<string, string>): SaleStatus {
	const status: SaleStatus = { response, found: response === 'FOUND', fields };
	for (const key of NAMED_FIELDS) if (fields[key] !== undefined) status[key] = fields[key];
	const billing: Record<string, string> = {};
	let hasBilling = false;
	for (const [key, value] of Object.entries(fields)) {
		if (!key.startsWith(BILLING_ADDRESS_PREFIX)) continue;
		billing[key.slice(BILLING_ADDRESS_PREFIX.length)] = value;
		hasBilling = true;
	}
	if (hasBilling) status.billingAddress = billing as BillingAddress;
	return status;
}

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

/**
 * Where a line of the answer ends: \n, \r\n, a lone \r, U+2028 or U+2029.
 * YAML 1.2 ends a line at a lone \r, and editors, browsers and JavaScript show
 * U+2028/U+2029 as new lines. Ending the line there too means a value can never
 * hide what a person or another reader takes for a line of its own: a second
 * `saleResult:` behind such a character meets the duplicate check instead of
 * riding inside the first value.
 */
function isLineBreak(code: number): boolean {
	return code === LF || code === CR || code === 0x2028 || code === 0x2029;
}

/** The whitespace that String.prototype.trim removes, so a line is trimmed as before. */
function isBlank(code: number): boolean {
	if (code > 0x20 && code < 0x7f) return false;
	return (
		code === 0x20 ||
		(code >= 0x09 && code <= 0x0d) ||
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

/** `---` or `...` (YAML document markers) or a `#` comment. */
function isMarkerOrComment(text: string, first: number, last: number): boolean {
	const code = text.charCodeAt(first);
	if (code === 0x23) return true;
	return (
		last - first === 3 &&
		(code === 0x2d || code === 0x2e) &&
		text.charCodeAt(first + 1) === code &&
		text.charCodeAt(first + 2) === code
	);
}

/**
 * Where the key of the trimmed line text[first, last) ends, or -1 when the line
 * is not a `key: value` field: the key is a letter then letters, digits, `_` or
 * `-`; blanks may stand before the colon; the colon ends the line or is
 * followed by a blank (so `a:b` is not a field). Read left to right, each
 * character once.
 */
function fieldKeyEnd(text: string, first: number, last: number): number {
	if (!isLetter(text.charCodeAt(first))) return -1;
	let i = first + 1;
	while (i < last && isKeyCharacter(text.charCodeAt(i))) i++;
	const keyEnd = i;
	while (i < last && isBlank(text.charCodeAt(i))) i++;
	if (i === last || text.charCodeAt(i) !== COLON) return -1;
	i++;
	return i === last || isBlank(text.charCodeAt(i)) ? keyEnd : -1;
}

function isKeyCharacter(code: number): boolean {
	return isLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x2d;
}

function isLetter(code: number): boolean {
	return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function unquote(value: string): string {
	if (value.length >= 2) {
		const first = value[0];
		const last = value[value.length - 1];
		if (first === "'" && last === "'") return value.slice(1, -1).split("''").join("'");
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
