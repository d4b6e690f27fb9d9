import { FlexPayMalformedQueryError } from './errors';
import type { FlexPayParams } from './signature';

/** Bounds that keep a hostile query from costing more than a real postback. */
export const QUERY_LIMITS = { maxLength: 16384, maxParameters: 100, maxKeyLength: 64 } as const;

/**
 * Parameter names as Verotel sends them (`saleID`, `billingAddr_city`) plus the
 * `-` and `.` merchants use in static parameters of their postback URL
 * (e.g. `wc-api`). Anything else (`a[]`, `a[b]`, spaces) would be mangled by
 * some framework before hashing, so it is refused instead of guessed at.
 */
const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;
/**
 * `:` + a parameter name + `=` inside a value. The canonical string joins
 * `name=value` pairs with `:` and escapes nothing, so such a value hashes
 * exactly like two parameters (`custom1=a:event=credit`); whoever holds one
 * signed set could regroup it into another. Linear: `:` is not in the name
 * class, so each scan ends at the next `:` and no character is read twice.
 */
const PARAMETER_BOUNDARY = /:[A-Za-z0-9_.-]+=/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
/** C0 controls, DEL and C1 controls (Unicode's Cc: U+0000-U+001F, U+007F-U+009F): never part of a legitimate FlexPay value. */
const CONTROL_CHARACTERS = /\p{Cc}/u;
/**
 * The encoded forms of those characters: %00-%1F, %7F and the UTF-8 of
 * U+0080-U+009F (%C2%80-%C2%9F). One scan of the raw query replaces a check of
 * every decoded value; `+` decodes to a space and is harmless.
 */
const ENCODED_CONTROL_CHARACTERS = /%(?:[01][0-9A-Fa-f]|7[Ff]|[Cc]2%[89][0-9A-Fa-f])/;
/** A parsed query with one parameter (usually `signature`) held apart. */
export interface SplitQuery {
	params: FlexPayParams;
	held?: string;
}

/**
 * Parses a raw query string (`a=1&b=2`, optional leading `?`) the strict way:
 * form decoding (`+` is a space), percent-escapes must be complete, bytes must
 * be valid UTF-8, no control characters, no duplicate keys, no array syntax.
 * Verification must run over exactly what Verotel sent, so a query that cannot
 * be read unambiguously is rejected before any hashing happens.
 */
export function parseRawQuery(raw: string): FlexPayParams {
	return splitRawQuery(raw, '').params;
}

/** As `parseRawQuery`, holding the parameter named `holdKey` apart from the rest. */
export function splitRawQuery(raw: string, holdKey: string): SplitQuery {
	if (typeof raw !== 'string') throw new FlexPayMalformedQueryError('The query string is not text');
	const query = raw.charCodeAt(0) === 0x3f /* ? */ ? raw.slice(1) : raw;
	if (query.length > QUERY_LIMITS.maxLength) {
		throw new FlexPayMalformedQueryError(
			`The query string is longer than ${QUERY_LIMITS.maxLength} characters`,
		);
	}
	if (CONTROL_CHARACTERS.test(query) || ENCODED_CONTROL_CHARACTERS.test(query)) {
		throw new FlexPayMalformedQueryError('The query string contains control characters');
	}
	const out: SplitQuery = { params: {} };
	let count = 0;
	for (const segment of query.split('&')) {
		if (segment === '') continue;
		if (++count > QUERY_LIMITS.maxParameters) {
			throw new FlexPayMalformedQueryError(
				`The query string has more than ${QUERY_LIMITS.maxParameters} parameters`,
			);
		}
		const eq = segment.indexOf('=');
		const key = checkKey(decodeComponent(eq === -1 ? segment : segment.slice(0, eq), undefined));
		const value = eq === -1 ? '' : decodeComponent(segment.slice(eq + 1), key);
		addParameter(out, holdKey, key, value, false);
	}
	return out;
}

/**
 * The same checks over a map that a framework already parsed (e.g. n8n's
 * `getQueryData()` or a form body). Arrays mean the key was repeated.
 */
export function paramsFromMap(map: Record<string, unknown>): FlexPayParams {
	return splitMap(map, '').params;
}

export function splitMap(map: Record<string, unknown>, holdKey: string): SplitQuery {
	if (!map || typeof map !== 'object' || Array.isArray(map)) {
		throw new FlexPayMalformedQueryError('The parameters are not a key/value map');
	}
	const keys = Object.keys(map);
	if (keys.length > QUERY_LIMITS.maxParameters) {
		throw new FlexPayMalformedQueryError(
			`There are more than ${QUERY_LIMITS.maxParameters} parameters`,
		);
	}
	const out: SplitQuery = { params: {} };
	for (const key of keys) {
		const value = map[key];
		if (Array.isArray(value)) {
			throw new FlexPayMalformedQueryError(
				`Parameter "${safeKey(key)}" appears more than once`,
				key,
			);
		}
		if (typeof value !== 'string') {
			throw new FlexPayMalformedQueryError(
				`Parameter "${safeKey(key)}" is not a plain text value`,
				key,
			);
		}
		addParameter(out, holdKey, checkKey(key), value, true);
	}
	return out;
}

/** Names are checked before anything else, so later messages may quote them safely. */
function checkKey(key: string): string {
	// `__proto__` passes the pattern but would re-parent a plain object; no FlexPay key looks like it.
	if (key.length > QUERY_LIMITS.maxKeyLength || !KEY_PATTERN.test(key) || key === '__proto__') {
		throw new FlexPayMalformedQueryError(
			key.includes('[')
				? `Parameter "${safeKey(key)}" uses array syntax, which FlexPay never sends`
				: `Parameter name "${safeKey(key)}" is not a valid FlexPay parameter name`,
			safeKey(key),
		);
	}
	return key;
}

function addParameter(
	out: SplitQuery,
	holdKey: string,
	key: string,
	value: string,
	checkControls: boolean,
): void {
	if (checkControls && CONTROL_CHARACTERS.test(value)) {
		throw new FlexPayMalformedQueryError(`Parameter "${key}" contains control characters`, key);
	}
	if (key === holdKey) {
		if (out.held !== undefined)
			throw new FlexPayMalformedQueryError(`Parameter "${key}" appears more than once`, key);
		out.held = value;
		return;
	}
	if (Object.prototype.hasOwnProperty.call(out.params, key)) {
		throw new FlexPayMalformedQueryError(`Parameter "${key}" appears more than once`, key);
	}
	out.params[key] = value;
}

function decodeComponent(encoded: string, key: string | undefined): string {
	const plus = encoded.indexOf('+') === -1 ? encoded : encoded.replace(/\+/g, ' ');
	if (plus.indexOf('%') === -1) return plus;
	const where = key === undefined ? 'A parameter name' : `Parameter "${key}"`;
	if (BAD_PERCENT.test(plus)) {
		throw new FlexPayMalformedQueryError(`${where} has an incomplete percent-escape`, key);
	}
	const decoded = strictDecode(plus);
	if (decoded === undefined)
		throw new FlexPayMalformedQueryError(`${where} is not valid UTF-8`, key);
	return decoded;
}

/**
 * decodeURIComponent is strict UTF-8: it throws on truncated sequences,
 * overlong forms and encoded surrogates, which is exactly what to refuse.
 */
function strictDecode(encoded: string): string | undefined {
	try {
		return decodeURIComponent(encoded);
	} catch {
		return undefined;
	}
}

/** Whether a value contains `:name=`, which the canonical string cannot tell from a parameter boundary. */
export function hasParameterBoundary(value: string): boolean {
	return PARAMETER_BOUNDARY.test(value);
}

/** Keys go into error messages, quoted: keep them short, printable and free of `"`. */
export function safeKey(key: string): string {
	const printable = key.replace(/[^\x20-\x21\x23-\x7e]/g, '?');
	return printable.length > 40 ? printable.slice(0, 40) + '…' : printable;
}
