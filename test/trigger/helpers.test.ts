import { EventEmitter } from 'events';
import type { IDataObject } from 'n8n-workflow';

import {
	FlexPayMalformedQueryError,
	FlexPayNotASaleError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayStatusError,
	FlexPayValidationError,
} from '../../lib';
import {
	earlierDeliveryAnswered,
	forgetDeliveriesInFlight,
	isStoredRepeat,
	rememberPostback,
	REPEAT_STORE_FIELD,
	trackDelivery,
} from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import { isEventSelected } from '../../nodes/VerotelFlexPayTrigger/options';
import { safeReason } from '../../nodes/VerotelFlexPayTrigger/redaction';
import { classifyError } from '../../nodes/VerotelFlexPayTrigger/rejection';
import { KEY } from './fixtures';

afterEach(() => forgetDeliveriesInFlight());

const postback = (idempotencyScope: string, idempotencyKey: string) => ({
	idempotencyScope,
	idempotencyKey,
});

describe('rememberPostback / isStoredRepeat', () => {
	it('one key per scope, least recently accepted dropped first (custom bound), replacing the store instead of mutating it', () => {
		const data: IDataObject = {};
		rememberPostback(data, postback('a', 'a1'), 2);
		const before = data[REPEAT_STORE_FIELD];
		rememberPostback(data, postback('b', 'b1'), 2);
		expect(data[REPEAT_STORE_FIELD]).not.toBe(before);
		expect(before).toEqual({ a: 'a1' });
		// Re-accepting scope a makes it the most recent: c pushes out b.
		rememberPostback(data, postback('a', 'a2'), 2);
		rememberPostback(data, postback('c', 'c1'), 2);
		expect(data[REPEAT_STORE_FIELD]).toEqual({ a: 'a2', c: 'c1' });
		expect(isStoredRepeat(data, postback('a', 'a2'))).toBe(true);
		expect(isStoredRepeat(data, postback('a', 'a1'))).toBe(false);
		expect(isStoredRepeat(data, postback('b', 'b1'))).toBe(false);
	});

	it('inherited names are not stored scopes', () => {
		expect(
			isStoredRepeat(
				{ [REPEAT_STORE_FIELD]: {} },
				postback('constructor', String(Object.prototype.constructor)),
			),
		).toBe(false);
		expect(isStoredRepeat({}, postback('toString', String(Object.prototype.toString)))).toBe(false);
	});
});

describe('trackDelivery / earlierDeliveryAnswered', () => {
	// The waits below never reach their limit; fake timers keep their sleeps from outliving the test.
	beforeEach(() =>
		jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }),
	);
	afterEach(() => jest.useRealTimers());

	/** A ServerResponse as far as the guard looks at it. */
	function response() {
		const emitter = new EventEmitter();
		const res = {
			statusCode: 200,
			writableFinished: false,
			once: (event: 'close', fn: () => void) => emitter.once(event, fn),
		};
		const close = (statusCode: number, finished: boolean) => {
			res.statusCode = statusCode;
			res.writableFinished = finished;
			emitter.emit('close');
		};
		return { res, close };
	}

	it('nothing in flight, or another key of the scope in flight: false at once', async () => {
		await expect(earlierDeliveryAnswered('t', postback('s', 'k'), 10_000)).resolves.toBe(false);
		trackDelivery('t', postback('s', 'k1'), response().res);
		await expect(earlierDeliveryAnswered('t', postback('s', 'k2'), 10_000)).resolves.toBe(false);
		await expect(
			earlierDeliveryAnswered('other trigger', postback('s', 'k1'), 10_000),
		).resolves.toBe(false);
	});

	it('true only for a delivery that finished with 200', async () => {
		for (const [statusCode, finished, expected] of [
			[200, true, true],
			[200, false, false],
			[500, true, false],
			[401, true, false],
		] as const) {
			forgetDeliveriesInFlight();
			const { res, close } = response();
			trackDelivery('t', postback('s', 'k'), res);
			const answered = earlierDeliveryAnswered('t', postback('s', 'k'), 10_000);
			close(statusCode, finished);
			await expect(answered).resolves.toBe(expected);
		}
	});

	it('a response without once() (not an Express response) is not tracked', async () => {
		trackDelivery('t', postback('s', 'k'), { statusCode: 200 });
		await expect(earlierDeliveryAnswered('t', postback('s', 'k'), 10_000)).resolves.toBe(false);
	});

	it('a later delivery of the scope replaces the earlier one; the earlier one closing does not remove it', async () => {
		const first = response();
		const second = response();
		trackDelivery('t', postback('s', 'k1'), first.res);
		trackDelivery('t', postback('s', 'k2'), second.res);
		first.close(500, true);
		const waiting = earlierDeliveryAnswered('t', postback('s', 'k2'), 10_000);
		second.close(200, true);
		await expect(waiting).resolves.toBe(true);
	});
});

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
		const text = `key ${KEY} url ?a=1&signature=${'ab'.repeat(32)}&b=2 hex ${'0'.repeat(40)} ctl \u0000\u001b end`;
		const out = safeReason(text, KEY);
		expect(out).not.toContain(KEY);
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
		expect(classifyError(error, KEY)).toMatchObject({ statusCode, body, level });
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
