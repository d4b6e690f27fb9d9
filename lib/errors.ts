/**
 * Typed errors of the FlexPay core. Every error names the offending field (when
 * there is one) and carries a `hint` that tells the caller how to fix it, so the
 * n8n nodes can show "what happened" and "how to fix it" without parsing text.
 *
 * No error message ever contains the signature key: callers pass field names and
 * values of public parameters only.
 */
export type FlexPayErrorCode =
	| 'VALIDATION'
	| 'MALFORMED_QUERY'
	| 'SIGNATURE_MISSING'
	| 'SIGNATURE_INVALID'
	| 'SHOP_MISMATCH'
	| 'NOT_A_SALE_MESSAGE'
	| 'STATUS_ERROR'
	| 'STATUS_UNREADABLE';

export class FlexPayError extends Error {
	readonly code: FlexPayErrorCode;
	readonly field?: string;
	readonly hint?: string;

	constructor(
		code: FlexPayErrorCode,
		message: string,
		options: { field?: string; hint?: string } = {},
	) {
		super(message);
		this.name = new.target.name;
		this.code = code;
		this.field = options.field;
		this.hint = options.hint;
	}
}

/** A parameter or configuration value the caller supplied is not acceptable. */
export class FlexPayValidationError extends FlexPayError {
	constructor(field: string, message: string, hint?: string) {
		super('VALIDATION', message, { field, hint });
	}
}

/**
 * A received query string (postback or success redirect) cannot be read safely:
 * duplicate keys, bad percent-encoding, invalid UTF-8, control characters, arrays.
 * Such input is rejected before any hashing happens.
 */
export class FlexPayMalformedQueryError extends FlexPayError {
	constructor(message: string, field?: string, hint?: string) {
		super('MALFORMED_QUERY', message, { field, hint });
	}
}

/** The received parameters are not signed with the configured signature key. */
export class FlexPaySignatureError extends FlexPayError {
	constructor(code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID', message: string, hint?: string) {
		super(code, message, { field: 'signature', hint });
	}
}

/** The postback is for a different website (shopID) than the configured one. */
export class FlexPayShopMismatchError extends FlexPayError {
	readonly receivedShopID: string;

	constructor(receivedShopID: string, message: string, hint?: string) {
		super('SHOP_MISMATCH', message, { field: 'shopID', hint });
		this.receivedShopID = receivedShopID;
	}
}

/**
 * Correctly signed, but not shaped like a message from Verotel: a payment link,
 * cancel link or status request that the merchant signed with the same key
 * (see saleMessage.ts). Holding one proves nothing about a payment.
 */
export class FlexPayNotASaleError extends FlexPayError {
	constructor(field: string, message: string, hint?: string) {
		super('NOT_A_SALE_MESSAGE', message, { field, hint });
	}
}

/** The sale status service answered `response: ERROR` or something unreadable. */
export class FlexPayStatusError extends FlexPayError {
	constructor(code: 'STATUS_ERROR' | 'STATUS_UNREADABLE', message: string, hint?: string) {
		super(code, message, { hint });
	}
}

/**
 * Text that a remote service sent, as an error message may quote it: control
 * characters replaced and cut to `maxLength` characters, so a broken or hostile
 * answer cannot flood a log line or forge new ones.
 */
export function excerpt(text: string, maxLength = 200): string {
	return cutText(String(text).replace(/\p{Cc}/gu, '?'), maxLength);
}

/** At most `maxLength` characters, `…` marking a cut, never ending on the first half of a surrogate pair. */
export function cutText(text: string, maxLength: number): string {
	if (text.length <= maxLength) return text;
	let end = maxLength - 1;
	const last = text.charCodeAt(end - 1);
	if (last >= 0xd800 && last <= 0xdbff) end--;
	return `${text.slice(0, end)}…`;
}
