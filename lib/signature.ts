import * as crypto from 'crypto';

import { FlexPayMalformedQueryError } from './errors';
import { hasParameterBoundary, safeKey } from './query';

export type SignatureAlgorithm = 'sha256' | 'sha1';

/** Decoded parameter values (never URL-encoded) keyed by their FlexPay names. */
export type FlexPayParams = Record<string, string>;

/**
 * Request parameters that protocol 4 signs (PHP client 5.1.x `_filter_params`,
 * flexpay4j 2.2.0 `FlexPayRequestParameters.isSigned`). Everything else that a
 * request carries (`email`, `oneClickToken`, merchant extras) is sent unsigned.
 */
export const SIGNED_REQUEST_PARAMS: ReadonlySet<string> = new Set([
	'version',
	'shopID',
	'priceAmount',
	'priceCurrency',
	'paymentMethod',
	'description',
	'referenceID',
	'saleID',
	'custom1',
	'custom2',
	'custom3',
	'subscriptionType',
	'period',
	'name',
	'trialAmount',
	'trialPeriod',
	'cancelDiscountPercentage',
	'type',
	'successURL',
	'declineURL',
	'precedingSaleID',
	'upgradeOption',
	'mcc',
	'subCreditorName',
	'subCreditorId',
	'subCreditorCountry',
]);

const HEX_LENGTH: Record<SignatureAlgorithm, number> = { sha256: 64, sha1: 40 };

/**
 * Byte order of the UTF-8 keys, as PHP's `ksort` on byte strings. JavaScript's
 * default sort compares UTF-16 code units, which equals byte order for ASCII
 * keys (all real FlexPay keys) but not for every non-ASCII key, so only those
 * pay for a byte comparison. Never `localeCompare`: a case-insensitive order
 * puts `amount` before `CCBrand` and breaks rebill signatures.
 */
export function compareKeys(a: string, b: string): number {
	if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
	return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function isAscii(value: string): boolean {
	for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
	return true;
}

/**
 * `signatureKey:k1=v1:k2=v2…` with keys in byte order and values verbatim (no
 * escaping of `:` or `=`, as in every official client).
 */
export function canonicalString(signatureKey: string, params: FlexPayParams): string {
	return `${signatureKey}:${canonicalParameterString(params)}`;
}

/**
 * `k1=v1:k2=v2…` in canonical order: the canonical string without the key, for
 * fingerprints of received data that must not depend on, or hash, the secret.
 */
export function canonicalParameterString(params: FlexPayParams): string {
	const keys = Object.keys(params);
	// For ASCII keys (every real one) code-unit order is byte order: the plain sort.
	keys.sort(keys.every(isAscii) ? undefined : compareKeys);
	return keys.map((key) => `${key}=${params[key]}`).join(':');
}

function hexDigest(input: string, algorithm: SignatureAlgorithm): string {
	return crypto.createHash(algorithm).update(input, 'utf8').digest('hex');
}

/** Lowercase hex signature over exactly the given parameters (no whitelist). */
export function computeSignature(
	signatureKey: string,
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
): string {
	return hexDigest(canonicalString(signatureKey, params), algorithm);
}

/** The subset of request parameters that a startorder/salestatus signature covers. */
export function pickSignedRequestParams(params: FlexPayParams): FlexPayParams {
	const signed: FlexPayParams = {};
	for (const key of Object.keys(params))
		if (SIGNED_REQUEST_PARAMS.has(key)) signed[key] = params[key];
	return signed;
}

/** Signature of an outgoing request: the whitelist applied, then `computeSignature`. */
export function signRequest(
	signatureKey: string,
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
): string {
	return computeSignature(signatureKey, pickSignedRequestParams(params), algorithm);
}

/**
 * Which algorithm's digest of `params` equals the received hex signature, or
 * null. Case-insensitive hex (Verotel's PHP tests pass upper case); the
 * comparison is constant-time over the raw digest bytes. SHA-256 is tried
 * first; legacy SHA-1 only when allowed.
 */
export function matchSignature(
	signatureKey: string,
	params: FlexPayParams,
	receivedSignature: string,
	options: { allowSha1?: boolean } = {},
): SignatureAlgorithm | null {
	if (typeof receivedSignature !== 'string') return null;
	const received = receivedSignature.trim().toLowerCase();
	if (!/^[0-9a-f]+$/.test(received)) return null;
	const algorithm =
		received.length === HEX_LENGTH.sha256
			? 'sha256'
			: received.length === HEX_LENGTH.sha1 && (options.allowSha1 ?? true)
				? 'sha1'
				: null;
	if (algorithm === null) return null;
	const expected = Buffer.from(computeSignature(signatureKey, params, algorithm), 'hex');
	// Equal lengths by construction; timingSafeEqual hides where the first byte differs.
	return crypto.timingSafeEqual(expected, Buffer.from(received, 'hex')) ? algorithm : null;
}

/**
 * The low-level signature check: whether `params` carry a valid signature made
 * with `signatureKey` over every parameter except `signature` (no whitelist).
 * It proves the key, NOT a sale: payment links, cancel links and status
 * requests are signed with the same key. To accept a postback or success
 * redirect use parsePostback / parseSuccessRedirect, which also refuse sets
 * that are not shaped like Verotel's messages.
 *
 * As in the official clients, the configured `shopId` is added when the map
 * lacks `shopID`. Values must be strings: an array or object has no canonical
 * text form, and stringifying it would let `['a', 'b']` verify as `a,b`. A
 * value containing `:name=` gives false: the canonical string cannot tell it
 * from two parameters, so a signed set could be regrouped into another one
 * (`custom1=u:event=chargeback`).
 */
export function verifySignature(
	signatureKey: string,
	params: FlexPayParams,
	options: { allowSha1?: boolean; shopId?: string | number } = {},
): boolean {
	if (!params || typeof params !== 'object' || Array.isArray(params)) {
		throw new FlexPayMalformedQueryError(
			'The parameters are not a key/value map',
			undefined,
			'Pass an object of string values',
		);
	}
	for (const key of Object.keys(params)) {
		const value: unknown = params[key];
		if (typeof value === 'string' || (key === 'signature' && value === undefined)) continue;
		throw new FlexPayMalformedQueryError(
			`Parameter "${safeKey(key)}" is not a text value`,
			safeKey(key),
			'Pass every parameter as a string; a repeated parameter (an array) is never a valid FlexPay request',
		);
	}
	const { signature, ...rest } = params;
	if (signature === undefined || signature === '') return false;
	if (rest.shopID === undefined && options.shopId !== undefined)
		rest.shopID = String(options.shopId);
	if (Object.keys(rest).some((key) => hasParameterBoundary(rest[key]))) return false;
	return matchSignature(signatureKey, rest, signature, options) !== null;
}
