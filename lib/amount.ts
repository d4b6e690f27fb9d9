/**
 * Amounts, both ways: what a payment link sends (`nnn.nn`, checked strictly)
 * and what a postback carries (read as a number, or null when it is not one).
 */
import { FlexPayValidationError } from './errors';
import { asText, isEmpty, type ParamValue } from './validation';

/**
 * `nnn.nn` as the protocol asks. Numbers are accepted when they carry at most
 * two decimals (so 0.1 + 0.2 still means 0.30, but 9.999 is refused rather than
 * silently rounded: charging a different amount than the caller meant is worse
 * than an error). Strings must use a dot; `1.234,50` is refused with a hint.
 */
export function formatAmount(field: string, value: ParamValue): string {
	if (isEmpty(value)) {
		throw new FlexPayValidationError(
			field,
			`${field} is required`,
			'Give the amount as a decimal such as 9.99',
		);
	}
	if (typeof value === 'boolean') {
		throw new FlexPayValidationError(
			field,
			`${field} must be an amount, got ${value}`,
			'Give the amount as a decimal such as 9.99',
		);
	}
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) {
			throw new FlexPayValidationError(
				field,
				`${field} must be a finite number, got ${value}`,
				'Give the amount as a decimal such as 9.99',
			);
		}
		if (value < 0) {
			throw new FlexPayValidationError(
				field,
				`${field} must not be negative, got ${value}`,
				'Give a positive amount such as 9.99',
			);
		}
		// A few units in the last place of value * 100: enough for 0.1 + 0.2, far too
		// little for 1e-9 or 9.999 to pass as a whole number of cents.
		const exact = value * 100;
		const cents = Math.round(exact);
		if (Math.abs(exact - cents) > 16 * Number.EPSILON * Math.max(1, exact)) {
			throw new FlexPayValidationError(
				field,
				`${field} ${value} has more than two decimals`,
				'Round the amount to cents first, e.g. 9.99',
			);
		}
		return centsToString(cents, field);
	}
	const text = asText(field, value).trim();
	if (text.startsWith('-')) {
		throw new FlexPayValidationError(
			field,
			`${field} must not be negative, got "${text}"`,
			'Give a positive amount such as 9.99',
		);
	}
	if (/^\d{1,3}([.,]\d{3})*,\d{1,2}$/.test(text) || /^\d+,\d{1,2}$/.test(text)) {
		throw new FlexPayValidationError(
			field,
			`${field} "${text}" uses a comma as decimal separator`,
			'Use a dot and no thousands separator, e.g. 1234.50',
		);
	}
	const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
	if (!match) {
		throw new FlexPayValidationError(
			field,
			`${field} "${text}" is not an amount in nnn.nn format`,
			'Use digits with an optional dot and up to two decimals, e.g. 9.99',
		);
	}
	const whole = match[1].replace(/^0+(?=\d)/, '');
	if (whole.length > 9) {
		throw new FlexPayValidationError(field, `${field} "${text}" is too large`, 'Check the amount');
	}
	return `${whole}.${(match[2] ?? '').padEnd(2, '0')}`;
}

/** As `formatAmount`, for what a buyer pays: 0.00 is refused. */
export function formatPositiveAmount(field: string, value: ParamValue): string {
	const amount = formatAmount(field, value);
	if (amount === '0.00') {
		throw new FlexPayValidationError(
			field,
			`${field} must be more than 0.00`,
			'Give a positive amount with at most two decimals, e.g. 9.99',
		);
	}
	return amount;
}

function centsToString(cents: number, field: string): string {
	if (cents > 999999999_99) {
		throw new FlexPayValidationError(field, `${field} is too large`, 'Check the amount');
	}
	const whole = Math.floor(cents / 100);
	const rest = cents % 100;
	return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/** An amount as Verotel sends it (digits, optional dot and decimals) as a number; null for anything else. */
export function parseAmount(value: string | undefined): number | null {
	if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return null;
	return Number(value);
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Whether two amounts as Verotel sends them (digits, optional dot and
 * decimals) are the same decimal: `19.9`, `19.90` and `019.900` are. Compared
 * digit by digit, never as floating point, so no two different amounts can
 * round to one. False when either is missing or not such an amount.
 */
export function sameAmount(a: string | undefined, b: string | undefined): boolean {
	return compareAmounts(a, b) === 0;
}

function canonicalDecimal(value: string | undefined): string | undefined {
	const match = value === undefined ? null : DECIMAL.exec(value);
	if (match === null) return undefined;
	return `${match[1].replace(/^0+(?=\d)/, '')}.${(match[2] ?? '').replace(/0+$/, '')}`;
}

/**
 * How two amounts as Verotel sends them compare as decimals: -1 (a is less),
 * 0 (the same), 1 (a is more); undefined when either is missing or not such an
 * amount. Digit by digit, never as floating point.
 */
export function compareAmounts(
	a: string | undefined,
	b: string | undefined,
): -1 | 0 | 1 | undefined {
	const left = canonicalDecimal(a);
	const right = canonicalDecimal(b);
	if (left === undefined || right === undefined) return undefined;
	const [leftWhole, leftFraction] = left.split('.');
	const [rightWhole, rightFraction] = right.split('.');
	if (leftWhole.length !== rightWhole.length) return leftWhole.length < rightWhole.length ? -1 : 1;
	const width = Math.max(leftFraction.length, rightFraction.length);
	const l = leftWhole + leftFraction.padEnd(width, '0');
	const r = rightWhole + rightFraction.padEnd(width, '0');
	return l === r ? 0 : l < r ? -1 : 1;
}
