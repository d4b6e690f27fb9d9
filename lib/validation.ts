import { FlexPayValidationError } from './errors';
import { hasParameterBoundary } from './query';
import { parseAbsoluteUrl } from './url';

/** Currencies FlexPay accepts (purchase doc v4, flexpay4j `SaleCurrency`). */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'AUD', 'CAD', 'CHF', 'DKK', 'NOK', 'SEK'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * Payment methods: the v4 doc names CC, YOURSAFE_DIRECT and DDEU; flexpay4j adds
 * IDEAL (required when processing without the Order Page).
 */
export const PAYMENT_METHODS = ['CC', 'DDEU', 'IDEAL', 'YOURSAFE_DIRECT'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const SUBSCRIPTION_TYPES = ['one-time', 'recurring'] as const;
export const UPGRADE_OPTIONS = ['extend', 'lost'] as const;

/** Any value a caller may hand in for a parameter; empty ones are dropped. */
export type ParamValue = string | number | boolean | null | undefined;

export function isEmpty(value: ParamValue): boolean {
	return value === undefined || value === null || value === '';
}

/** A received value as text, or undefined when it is absent or empty: an empty parameter counts as not sent. */
export function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Control characters (C0, DEL, C1) are never legitimate in FlexPay values. */
export function hasControlCharacters(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
	}
	return false;
}

/**
 * An unpaired UTF-16 surrogate (e.g. an emoji cut in half by `slice`) has no
 * UTF-8 form: it cannot be signed as Verotel reads it, and URL encoding throws
 * "URI malformed" without saying which field.
 */
export function hasLoneSurrogate(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		if (c < 0xd800 || c > 0xdfff) continue;
		const next = value.charCodeAt(i + 1);
		if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
		i++;
	}
	return false;
}

/** Verotel's numeric IDs (saleID, transactionID, …) are digits; 20 of them hold any 64-bit number. */
export const VEROTEL_ID_MAX_DIGITS = 20;
const VEROTEL_ID = new RegExp(`^\\d{1,${VEROTEL_ID_MAX_DIGITS}}$`);

/** Whether `text` is a Verotel ID as postbacks carry it: 1 to VEROTEL_ID_MAX_DIGITS digits. */
export function isVerotelId(text: string): boolean {
	return VEROTEL_ID.test(text);
}

/**
 * Refuses a value that Verotel signs or echoes when it contains `:name=`: the
 * signature cannot tell it from two parameters, and postbacks carrying it are
 * refused (see parsePostback).
 */
export function checkNoParameterBoundary(field: string, value: string): void {
	if (!hasParameterBoundary(value)) return;
	throw new FlexPayValidationError(
		field,
		`${field} contains ":" followed by a name and "=", which its signature cannot tell from a separate parameter`,
		`Remove the ":" or the "=" from ${field}, e.g. write "user-42/plan-gold" instead of "user-42:plan=gold"`,
	);
}

export function asText(field: string, value: ParamValue): string {
	if (typeof value === 'string') {
		if (hasLoneSurrogate(value)) {
			throw new FlexPayValidationError(
				field,
				`${field} contains a broken character (half of an emoji or other symbol)`,
				`Remove the broken character from ${field}; when an expression shortens text, cut whole characters, e.g. Array.from(text).slice(0, 100).join('')`,
			);
		}
		return value;
	}
	if (typeof value === 'number' && Number.isFinite(value)) {
		// Past 2^53 a number has already lost digits: sending it would send other digits than were meant.
		if (Number.isInteger(value) && !Number.isSafeInteger(value))
			throw roundedNumber(field, value, false);
		return String(value);
	}
	if (typeof value === 'boolean') return value ? '1' : '0';
	throw new FlexPayValidationError(
		field,
		`${field} must be text, got ${describe(value)}`,
		`Pass ${field} as a string`,
	);
}

/**
 * Refuses a number past 2^53: it has already lost digits, and String() of it
 * would only repeat the rounded ones, so the fix is the text from the source.
 */
function roundedNumber(field: string, value: number, id: boolean): FlexPayValidationError {
	const source = id
		? ', e.g. {{ $json.saleID }} of the Verotel FlexPay Trigger (always text) or a string field of the item'
		: ' (a string field of the item)';
	return new FlexPayValidationError(
		field,
		`${field} is the number ${String(value)}, larger than ${Number.MAX_SAFE_INTEGER}: its last digits were rounded when it was read, so it ${id ? 'may name another sale' : 'may not be the value that was sent'}`,
		`Pass ${field} as text with all its digits${source}; String() of the number keeps the rounded digits`,
	);
}

/**
 * An ID (Verotel's saleID, precedingSaleID, transactionID, parentID, or a
 * merchant's referenceID) as the exact text to send. Text is taken as it is.
 * A number only when it is a whole number from 0 to 2^53 - 1: a larger one was
 * already rounded on its way here (12345678901234567891 arrives as
 * 12345678901234567000 and would cancel or look up another sale), and NaN,
 * Infinity, negative or fractional numbers are no IDs. Booleans, objects and
 * null are refused too. Empty values are the caller's to handle.
 */
export function idText(field: string, value: ParamValue): string {
	if (typeof value === 'string') return asText(field, value);
	if (typeof value === 'number') {
		if (Number.isSafeInteger(value) && value >= 0) return String(value);
		if (Number.isInteger(value) && value > 0) throw roundedNumber(field, value, true);
		throw new FlexPayValidationError(
			field,
			`${field} is the number ${String(value)}, which is not an ID (IDs are whole numbers of 0 or more)`,
			`Pass ${field} as text, e.g. "433456" or {{ $json.saleID }} of the Verotel FlexPay Trigger, not a calculated number`,
		);
	}
	throw new FlexPayValidationError(
		field,
		`${field} must be text, got ${describe(value)}`,
		`Pass ${field} as text, e.g. "433456"`,
	);
}

/** idText for an optional ID: undefined when the value is empty (undefined, null, ''). */
export function optionalIdText(field: string, value: ParamValue): string | undefined {
	return isEmpty(value) ? undefined : idText(field, value);
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (typeof value === 'number') return String(value);
	return typeof value;
}

export function formatCurrency(field: string, value: ParamValue): Currency {
	if (isEmpty(value)) {
		throw new FlexPayValidationError(
			field,
			`${field} is required`,
			`Use one of ${CURRENCIES.join(', ')}`,
		);
	}
	const text = asText(field, value).trim().toUpperCase();
	if (!(CURRENCIES as readonly string[]).includes(text)) {
		throw new FlexPayValidationError(
			field,
			`${field} "${asText(field, value)}" is not a FlexPay currency`,
			`Use one of ${CURRENCIES.join(', ')}`,
		);
	}
	return text as Currency;
}

export function formatPaymentMethod(value: ParamValue): PaymentMethod | undefined {
	if (isEmpty(value)) return undefined;
	const text = asText('paymentMethod', value).trim().toUpperCase();
	if (!(PAYMENT_METHODS as readonly string[]).includes(text)) {
		throw new FlexPayValidationError(
			'paymentMethod',
			`paymentMethod "${asText('paymentMethod', value)}" is not supported`,
			`Use one of ${PAYMENT_METHODS.join(', ')}, or leave it empty to let the buyer choose`,
		);
	}
	return text as PaymentMethod;
}

/** Free text shown to the buyer or echoed back: printable, bounded in length. */
export function checkText(
	field: string,
	value: ParamValue,
	maxLength: number,
	required = false,
): string | undefined {
	if (isEmpty(value)) {
		if (required) {
			throw new FlexPayValidationError(
				field,
				`${field} is required`,
				`Give a ${field} of at most ${maxLength} characters`,
			);
		}
		return undefined;
	}
	const text = asText(field, value);
	if (hasControlCharacters(text)) {
		throw new FlexPayValidationError(
			field,
			`${field} contains control characters (such as a line break or tab)`,
			'Remove line breaks, tabs and other invisible characters',
		);
	}
	const length = Array.from(text).length;
	if (length > maxLength) {
		throw new FlexPayValidationError(
			field,
			`${field} is ${length} characters long; FlexPay allows at most ${maxLength}`,
			`Shorten ${field} to ${maxLength} characters`,
		);
	}
	return text;
}

export function checkUrl(field: string, value: ParamValue): string | undefined {
	const text = checkText(field, value, 255);
	if (text === undefined) return undefined;
	const parsed = parseAbsoluteUrl(text);
	if (!parsed) {
		throw new FlexPayValidationError(
			field,
			`${field} "${text}" is not an absolute URL`,
			'Use a full URL such as https://shop.example.com/thank-you',
		);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new FlexPayValidationError(
			field,
			`${field} must be an http or https URL`,
			'Use a full URL such as https://shop.example.com/thank-you',
		);
	}
	return text;
}

export function checkEmail(value: ParamValue): string | undefined {
	const text = checkText('email', value, 100);
	if (text === undefined) return undefined;
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) {
		throw new FlexPayValidationError(
			'email',
			`email "${text}" is not an e-mail address`,
			'Use an address such as buyer@example.com, or leave it empty',
		);
	}
	return text;
}

/** ISO-8601 duration as FlexPay uses it: P30D, P1M, P1Y, P2W. */
export function checkPeriod(
	field: string,
	value: ParamValue,
	minDays: number,
	required: boolean,
): string | undefined {
	const text = checkText(field, value, 20, required);
	if (text === undefined) return undefined;
	const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(text);
	if (!match || text === 'P') {
		throw new FlexPayValidationError(
			field,
			`${field} "${text}" is not an ISO-8601 period`,
			'Use e.g. P30D (30 days), P1M (one month) or P1Y (one year)',
		);
	}
	// Months counted as 28 days: a lower bound, so a valid period is never refused.
	const days =
		Number(match[1] ?? 0) * 365 +
		Number(match[2] ?? 0) * 28 +
		Number(match[3] ?? 0) * 7 +
		Number(match[4] ?? 0);
	if (days < minDays) {
		throw new FlexPayValidationError(
			field,
			`${field} ${text} is shorter than the minimum of ${minDays} days`,
			`Use at least P${minDays}D`,
		);
	}
	return text;
}

export function checkOption<T extends string>(
	field: string,
	value: ParamValue,
	options: readonly T[],
	required: boolean,
): string | undefined {
	if (isEmpty(value)) {
		if (required)
			throw new FlexPayValidationError(
				field,
				`${field} is required`,
				`Use one of ${options.join(', ')}`,
			);
		return undefined;
	}
	const text = asText(field, value).trim();
	if (!(options as readonly string[]).includes(text.toLowerCase())) {
		throw new FlexPayValidationError(
			field,
			`${field} "${text}" is not valid`,
			`Use one of ${options.join(', ')}`,
		);
	}
	return text;
}

/** Free text that identifies something (a referenceID): checkText, with numbers taken only as idText takes them. */
export function checkReference(
	field: string,
	value: ParamValue,
	maxLength: number,
	required = false,
): string | undefined {
	return checkText(field, optionalIdText(field, value), maxLength, required);
}

/** Verotel's numeric ID (saleID, precedingSaleID): idText, then 1 to VEROTEL_ID_MAX_DIGITS digits. */
export function checkId(field: string, value: ParamValue, required: boolean): string | undefined {
	const text = checkText(field, optionalIdText(field, value), 64, required);
	if (text === undefined) return undefined;
	if (!isVerotelId(text.trim())) {
		throw new FlexPayValidationError(
			field,
			`${field} "${text}" is not a numeric Verotel ID`,
			`Use the ${field} from the postback or Control Center (1 to ${VEROTEL_ID_MAX_DIGITS} digits), e.g. 433456`,
		);
	}
	return text.trim();
}
