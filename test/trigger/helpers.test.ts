import type { IDataObject } from 'n8n-workflow';

import {
	FlexPayMalformedQueryError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayStatusError,
	FlexPayValidationError,
} from '../../lib';
import {
	claimRecentKey,
	classifyError,
	forgetRecentKeys,
	CACHED_CREDENTIALS_TTL_MS,
	cacheCredentials,
	forgetCachedCredentials,
	getCachedCredentials,
	isEventSelected,
	RECENT_KEY_TTL_MS,
	REMEMBERED_KEYS_FIELD,
	rememberKey,
	safeReason,
} from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTriggerHelpers';
import { KEY } from './harness';

afterEach(() => forgetRecentKeys());

describe('claimRecentKey (in-process guard)', () => {
	it('refuses a second claim within the TTL, per scope, and allows it after expiry', () => {
		const t = 1_000_000;
		expect(claimRecentKey('wf1:n1', 'k', t)).toBe(true);
		expect(claimRecentKey('wf1:n1', 'k', t + 1000)).toBe(false);
		expect(claimRecentKey('wf2:n1', 'k', t + 1000)).toBe(true);
		expect(claimRecentKey('wf1:n1', 'k', t + RECENT_KEY_TTL_MS + 1)).toBe(true);
	});

	it('stays bounded: the oldest claims are dropped first', () => {
		const t = 5_000_000;
		expect(claimRecentKey('s', 'first', t)).toBe(true);
		for (let i = 0; i < 10_000; i++) claimRecentKey('s', `k${i}`, t + 1);
		expect(claimRecentKey('s', 'first', t + 2)).toBe(true);
		expect(claimRecentKey('s', 'k9999', t + 2)).toBe(false);
	});
});

describe('rememberKey', () => {
	it('FIFO with a custom bound, replacing the list instead of mutating it', () => {
		const data: IDataObject = {};
		expect(rememberKey(data, 'a', 2)).toBe(true);
		const before = data[REMEMBERED_KEYS_FIELD];
		expect(rememberKey(data, 'b', 2)).toBe(true);
		expect(data[REMEMBERED_KEYS_FIELD]).not.toBe(before);
		expect(rememberKey(data, 'a', 2)).toBe(false);
		expect(rememberKey(data, 'c', 2)).toBe(true);
		expect(data[REMEMBERED_KEYS_FIELD]).toEqual(['b', 'c']);
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
		expect(out).not.toMatch(/[\u0000-\u001f]/);
		expect(safeReason('x'.repeat(500)).length).toBe(200);
	});
});

describe('classifyError', () => {
	it.each([
		[new FlexPayMalformedQueryError('Parameter "a" appears more than once', 'a'), 400, 'Bad Request: Parameter "a" appears more than once', 'warn'],
		[new FlexPaySignatureError('SIGNATURE_MISSING', 'no signature'), 401, 'Unauthorized', 'warn'],
		[new FlexPaySignatureError('SIGNATURE_INVALID', 'mismatch'), 401, 'Unauthorized', 'warn'],
		[new FlexPayShopMismatchError('42', 'other shop'), 403, 'Forbidden', 'warn'],
		[new FlexPayValidationError('signatureKey', 'Signature key is empty', 'Copy it'), 503, 'Service Unavailable', 'error'],
		[new FlexPayStatusError('STATUS_ERROR', 'unexpected'), 503, 'Service Unavailable', 'error'],
		[new TypeError('x is not a function'), 503, 'Service Unavailable', 'error'],
		['a string was thrown', 503, 'Service Unavailable', 'error'],
		[undefined, 503, 'Service Unavailable', 'error'],
	])('%p -> %i', (error, statusCode, body, level) => {
		expect(classifyError(error, KEY)).toMatchObject({ statusCode, body, level });
	});

	it('the credential message says how to fix it and what the 503 means', () => {
		const { message } = classifyError(new FlexPayValidationError('signatureKey', 'Signature key is empty', 'Copy the key from Control Center'));
		expect(message).toBe(
			'Verotel FlexPay Trigger cannot verify postbacks, fix the credential: Signature key is empty. Copy the key from Control Center. Answered 503, not OK: Verotel may send the postback again, and refunds card sales that never get OK',
		);
	});
});

describe('credential cache', () => {
	afterEach(() => forgetCachedCredentials());
	const credentials = { shopId: '1', signatureKey: 'k' };

	test('an entry is served until it expires, then read afresh', () => {
		cacheCredentials('wf:node:cred', credentials, 1_000);
		expect(getCachedCredentials('wf:node:cred', 1_000 + CACHED_CREDENTIALS_TTL_MS - 1)).toBe(credentials);
		expect(getCachedCredentials('wf:node:cred', 1_000 + CACHED_CREDENTIALS_TTL_MS)).toBeUndefined();
		expect(getCachedCredentials('wf:node:cred', 1_000)).toBeUndefined();
	});

	test('entries are per scope', () => {
		cacheCredentials('a', credentials, 0);
		expect(getCachedCredentials('b', 0)).toBeUndefined();
	});
});
