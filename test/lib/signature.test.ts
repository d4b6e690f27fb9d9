import { FlexPayMalformedQueryError, computeSignature, verifySignature } from '../../lib';
import { KOTLIN_VALIDATE_PARAMS, OFFICIAL_KEY } from '../fixtures/vectors';

const V4_SIGNATURE = '0df722dd32b8a9f68e3ae4e3f226651eba1397d7928862635ba32674dc7bed6a';

function refusal(fn: () => unknown): FlexPayMalformedQueryError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(FlexPayMalformedQueryError);
		expect((error as Error).message).not.toContain(OFFICIAL_KEY);
		return error as FlexPayMalformedQueryError;
	}
	throw new Error('expected a FlexPayMalformedQueryError');
}

describe('verifySignature accepts string values only', () => {
	test('an array is refused, naming the parameter, even when it stringifies to the signed text', () => {
		const signed = { ...KOTLIN_VALIDATE_PARAMS, custom1: 'My,Other' };
		const signature = computeSignature(OFFICIAL_KEY, signed);
		const withArray = { ...signed, custom1: ['My', 'Other'], signature } as unknown as Record<
			string,
			string
		>;
		const error = refusal(() => verifySignature(OFFICIAL_KEY, withArray));
		expect(error.field).toBe('custom1');
		expect(error.message).toMatch(/custom1/);
		expect(error.hint).toBeTruthy();
	});

	test.each([
		['an object', { toString: () => 'My' }],
		['a number', 5],
		['a boolean', true],
		['null', null],
	])('%s is refused, naming the parameter', (_label, value) => {
		const params = {
			...KOTLIN_VALIDATE_PARAMS,
			custom1: value,
			signature: V4_SIGNATURE,
		} as unknown as Record<string, string>;
		expect(refusal(() => verifySignature(OFFICIAL_KEY, params)).field).toBe('custom1');
	});

	test('a signature that is not a string is refused; a missing one is still just invalid', () => {
		const params = { ...KOTLIN_VALIDATE_PARAMS, signature: [V4_SIGNATURE] } as unknown as Record<
			string,
			string
		>;
		expect(refusal(() => verifySignature(OFFICIAL_KEY, params)).field).toBe('signature');
		expect(verifySignature(OFFICIAL_KEY, { ...KOTLIN_VALIDATE_PARAMS })).toBe(false);
		expect(
			verifySignature(OFFICIAL_KEY, { ...KOTLIN_VALIDATE_PARAMS, signature: V4_SIGNATURE }),
		).toBe(true);
	});
});

describe('verifySignature: a regrouped set is not valid', () => {
	test('custom1 + event=chargeback regrouped into custom1=u:event=chargeback verifies as the same string, and is refused', () => {
		// The canonical string of { custom1: 'u', event: 'chargeback' } is the one of { custom1: 'u:event=chargeback' }.
		const split = {
			shopID: '68849',
			saleID: '433456',
			type: 'purchase',
			custom1: 'u',
			event: 'chargeback',
		};
		const { signature } = { signature: computeSignature(OFFICIAL_KEY, split) };
		expect(verifySignature(OFFICIAL_KEY, { ...split, signature })).toBe(true);
		const { event: _hidden, ...regrouped } = { ...split, custom1: 'u:event=chargeback' };
		expect(computeSignature(OFFICIAL_KEY, regrouped)).toBe(signature);
		expect(verifySignature(OFFICIAL_KEY, { ...regrouped, signature })).toBe(false);
	});
});
