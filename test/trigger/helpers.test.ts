import {
	FlexPayMalformedQueryError,
	FlexPayNotASaleError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayStatusError,
	FlexPayValidationError,
} from '../../lib';
import { isEventSelected } from '../../nodes/VerotelFlexPayTrigger/options';
import { safeReason } from '../../nodes/shared/redaction';
import { classifyError } from '../../nodes/VerotelFlexPayTrigger/rejection';
import { TEST_SIGNATURE_KEY } from '../fixtures/flexpay';

describe('isEventSelected', () => {
	it('unknown events count as "other"', () => {
		expect(isEventSelected('purchase', ['purchase'])).toBe(true);
		expect(isEventSelected('refundpending', ['purchase'])).toBe(false);
		expect(isEventSelected('refundpending', ['other'])).toBe(true);
		expect(isEventSelected('credit', ['other'])).toBe(false);
	});
});

describe('safeReason', () => {
	it('removes the key, signature values and long hex, control characters; truncates', () => {
		const text = `key ${TEST_SIGNATURE_KEY} url ?a=1&signature=${'ab'.repeat(32)}&b=2 hex ${'0'.repeat(40)} ctl \u0000\u001b end`;
		const out = safeReason(text, TEST_SIGNATURE_KEY);
		expect(out).not.toContain(TEST_SIGNATURE_KEY);
		expect(out).not.toMatch(/[0-9a-f]{32}/);
		expect(out).toContain('signature=[redacted]&b=2');
		expect(out).not.toMatch(/\p{Cc}/u);
		expect(safeReason('x'.repeat(500)).length).toBe(200);
	});
});

describe('classifyError', () => {
	it.each([
		// A name Verotel sends is named; any other name is the sender's own text and is not repeated.
		[
			new FlexPayMalformedQueryError('Parameter "saleID" appears more than once', 'saleID'),
			400,
			'Bad Request: Parameter "saleID" appears more than once',
			'warn',
		],
		[
			new FlexPayMalformedQueryError('Parameter "x-evil" appears more than once', 'x-evil'),
			400,
			'Bad Request: Parameter "(a parameter)" appears more than once',
			'warn',
		],
		[
			new FlexPayNotASaleError('version', 'The signed parameters carry "version"'),
			403,
			'Forbidden: not a Verotel postback',
			'error',
		],
		[new FlexPaySignatureError('SIGNATURE_MISSING', 'no signature'), 401, 'Unauthorized', 'warn'],
		[new FlexPaySignatureError('SIGNATURE_INVALID', 'mismatch'), 401, 'Unauthorized', 'warn'],
		[new FlexPayShopMismatchError('42', 'other shop'), 403, 'Forbidden', 'warn'],
		[
			new FlexPayValidationError('signatureKey', 'Signature key is empty', 'Copy it'),
			503,
			'Service Unavailable',
			'error',
		],
		[new FlexPayStatusError('STATUS_ERROR', 'unexpected'), 503, 'Service Unavailable', 'error'],
		[new TypeError('x is not a function'), 503, 'Service Unavailable', 'error'],
		['a string was thrown', 503, 'Service Unavailable', 'error'],
		[undefined, 503, 'Service Unavailable', 'error'],
	])('%p -> %i', (error, statusCode, body, level) => {
		expect(classifyError(error, TEST_SIGNATURE_KEY)).toMatchObject({ statusCode, body, level });
	});

	it('the credential message says how to fix it and what the 503 means', () => {
		const { message } = classifyError(
			new FlexPayValidationError(
				'signatureKey',
				'Signature key is empty',
				'Copy the key from Control Center',
			),
		);
		expect(message).toBe(
			'Verotel FlexPay Trigger cannot verify postbacks, fix the credential: Signature key is empty. Copy the key from Control Center. Answered 503, not OK: Verotel may send the postback again, and refunds card sales that never get OK',
		);
	});
});
