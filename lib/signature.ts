import * as crypto from 'crypto';

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
	const keys = Object.keys(params);
	// The default sort is code-unit order, equal to byte order for ASCII keys
	// (all real ones); only a set with a non-ASCII key pays for byte comparison.
	if (keys.every(isAscii)) keys.sort();
	else keys.sort(compareKeys);
	let out = signatureKey;
	for (const key of keys) out += ':' + key + '=' + params[key];
	return out;
}

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string;
/**
 * Node's one-shot `crypto.hash` (20.12+) is about twice as fast as a
 * createHash object for short inputs; older runtimes fall back.
 */
const oneShot: OneShotHash | undefined = (crypto as unknown as { hash?: OneShotHash }).hash;

function hexDigest(signatureKey: string, params: FlexPayParams, algorithm: SignatureAlgorithm): string {
	const input = canonicalString(signatureKey, params);
	return oneShot ? oneShot(algorithm, input, 'hex') : crypto.createHash(algorithm).update(input, 'utf8').digest('hex');
}

/** Lowercase hex signature over exactly the given parameters (no whitelist). */
export function computeSignature(
	signatureKey: string,
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
): string {
	return hexDigest(signatureKey, params, algorithm);
}

/** The subset of request parameters that a startorder/salestatus signature covers. */
export function pickSignedRequestParams(params: FlexPayParams): FlexPayParams {
	const signed: FlexPayParams = {};
	for (const key of Object.keys(params)) if (SIGNED_REQUEST_PARAMS.has(key)) signed[key] = params[key];
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
	const allowSha1 = options.allowSha1 ?? true;
	const received = typeof receivedSignature === 'string' ? receivedSignature.trim().toLowerCase() : '';
	if (!/^[0-9a-f]+$/.test(received)) return null;
	const algorithms: SignatureAlgorithm[] = allowSha1 ? ['sha256', 'sha1'] : ['sha256'];
	for (const algorithm of algorithms) {
		if (received.length !== HEX_LENGTH[algorithm]) continue;
		// Equal-length lowercase hex compared in constant time: the position of
		// the first differing digit is never observable.
		const expected = Buffer.from(hexDigest(signatureKey, params, algorithm), 'latin1');
		if (crypto.timingSafeEqual(expected, Buffer.from(received, 'latin1'))) return algorithm;
	}
	return null;
}

/**
 * Verifies a signed parameter map such as a postback or success redirect:
 * every parameter except `signature` is signed (no whitelist). As in the
 * official clients, the configured `shopId` is added when the map lacks
 * `shopID`.
 */
export function verifySignature(
	signatureKey: string,
	params: FlexPayParams,
	options: { allowSha1?: boolean; shopId?: string | number } = {},
): boolean {
	const { signature, ...rest } = params;
	if (typeof signature !== 'string' || signature === '') return false;
	if (rest.shopID === undefined && options.shopId !== undefined) rest.shopID = String(options.shopId);
	return matchSignature(signatureKey, rest, signature, options) !== null;
}
