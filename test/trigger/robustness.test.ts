/**
 * Property-based robustness and the "the key never leaks" sweep. Fixed seeds,
 * so a failure reproduces.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { buildQueryString, type FlexPayParams } from '../../lib';
import { MAX_BODY_BYTES } from '../../lib/postbackRequest';
import { TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { deliverAndExecute, visibleText, type Delivery } from './delivery';
import { CANCEL, CHARGEBACK, CREDIT, PURCHASE, REBILL, sign, signedQuery } from './fixtures';
import { ProcessedStore } from './processed-store';
import { forgetTriggerState, harness, type CallOptions, type Harness } from './webhook-harness';

const CONTROL = /\p{Cc}/u;
/** `:name=` inside a value: the canonical string could not tell it from two parameters (refused, 400). */
const BOUNDARY = /:[A-Za-z0-9_.-]+=/;

beforeEach(forgetTriggerState);

/** Exactly one answer: the node's own (no run), or none by the node and n8n's OK after storing the run. */
function expectAnsweredOnce(h: Harness, result: { workflowData?: unknown }): void {
	if (result.workflowData === undefined) expect(h.res.sendCount).toBe(1);
	else
		expect([h.res.sendCount, h.res.statusCode, h.res.contentType]).toEqual([
			0,
			undefined,
			'text/plain',
		]);
}

function paramNameArbitrary() {
	return fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);
}
/** Names the parser checks by name (IDs are digits; the sale shape) stay out of the random part. */
const CHECKED_NAMES = new Set([
	'signature',
	'shopID',
	'saleID',
	'transactionID',
	'parentID',
	'precededBySaleID',
	'type',
	'version',
]);
const paramName = paramNameArbitrary().filter((k) => !CHECKED_NAMES.has(k));
const paramValue = fc.oneof(
	fc.fullUnicodeString({ maxLength: 40 }),
	fc.stringOf(
		fc.constantFrom(
			'a',
			'7',
			' ',
			'+',
			'&',
			'=',
			'%',
			':',
			'é',
			'ř',
			'€',
			'😀',
			'\n',
			'\t',
			'\u0085',
			'\u007f',
		),
		{ maxLength: 12 },
	),
	// Values that look like more parameters to the canonical string: `a:event=credit`.
	fc
		.tuple(fc.string({ maxLength: 4 }), paramNameArbitrary(), fc.string({ maxLength: 4 }))
		.map(([before, name, after]) => `${before}:${name}=${after}`),
);
const paramMap = fc.dictionary(paramName, paramValue, { maxKeys: 8 });

describe('property: a correctly signed postback is accepted exactly as sent', () => {
	it('any parameter names and Unicode values round-trip into item.params (or 400 for control characters and `:name=` in a value)', async () => {
		const seen = { accepted: 0, refused: 0, boundary: 0, nonAscii: 0 };
		await fc.assert(
			fc.asyncProperty(
				paramMap,
				fc.constantFrom<'sha256' | 'sha1'>('sha256', 'sha1'),
				fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
				async (extra, algorithm, method) => {
					const params: FlexPayParams = {
						...extra,
						shopID: TEST_SHOP_ID,
						saleID: '433456',
						type: 'purchase',
					};
					const query = signedQuery(params, algorithm);
					const h = harness(
						method === 'GET'
							? { query }
							: { method, body: query, contentType: 'application/x-www-form-urlencoded' },
					);
					const result = await h.run();
					expectAnsweredOnce(h, result);
					if (Object.values(params).some((v) => /[\x80-\uffff]/.test(v))) seen.nonAscii++;
					const control = Object.values(params).some((v) => CONTROL.test(v));
					const boundary = Object.values(params).some((v) => BOUNDARY.test(v));
					if (control || boundary) {
						seen.refused++;
						if (boundary && !control) seen.boundary++;
						expect(h.res.statusCode).toBe(400);
						expect(result).toEqual({ noWebhookResponse: true });
					} else {
						seen.accepted++;
						expect(Object.keys(result)).toEqual(['workflowData']);
						const item = result.workflowData?.[0][0].json as IDataObject;
						expect(item.params).toEqual(params);
						expect(item.signatureAlgorithm).toBe(algorithm);
					}
				},
			),
			{ seed: 20240917, numRuns: 250 },
		);
		// Every branch was exercised, with non-ASCII data.
		expect(seen.accepted).toBeGreaterThan(50);
		expect(seen.refused).toBeGreaterThan(5);
		expect(seen.boundary).toBeGreaterThan(0);
		expect(seen.nonAscii).toBeGreaterThan(50);
	});

	it('changing any one value, or adding a parameter, is never accepted', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(PURCHASE, CREDIT, CHARGEBACK, REBILL),
				fc.nat(),
				fc.fullUnicodeString({ minLength: 1, maxLength: 5 }),
				fc.boolean(),
				async (base, index, suffix, add) => {
					const signed = sign(base);
					const keys = Object.keys(base);
					const tampered: FlexPayParams = { ...signed };
					if (add) tampered.injected = suffix;
					else tampered[keys[index % keys.length]] += suffix;
					const h = harness({ query: buildQueryString(Object.entries(tampered)) });
					const result = await h.run();
					expect(result).toEqual({ noWebhookResponse: true });
					// 401 for a wrong signature, 403 if the shopID itself was changed, 400 if the change is unreadable.
					expect([400, 401, 403]).toContain(h.res.statusCode);
				},
			),
			{ seed: 7, numRuns: 300 },
		);
	});
});

describe('property: arbitrary input never throws, never 500, answers exactly once', () => {
	const wild = fc.oneof(
		fc.fullUnicodeString({ maxLength: 200 }),
		fc.stringOf(
			fc.constantFrom(
				'a',
				'Z',
				'=',
				'&',
				'%',
				'+',
				'[',
				']',
				'2',
				'F',
				'C',
				'3',
				'0',
				'?',
				'signature',
				'shopID',
				'\u00ff',
				'\u0000',
			),
			{ maxLength: 80 },
		),
	);
	it('GET query strings', async () => {
		await fc.assert(
			fc.asyncProperty(wild, async (query) => {
				const h = harness({ query });
				await expect(h.run()).resolves.toEqual({ noWebhookResponse: true });
				expect(h.res.sendCount).toBe(1);
				expect([400, 401, 403]).toContain(h.res.statusCode);
				expect(h.res.contentType).toBe('text/plain');
				expect(h.res.body).not.toContain(TEST_SIGNATURE_KEY);
			}),
			{ seed: 99, numRuns: 400 },
		);
	});

	it('POST bodies (bytes)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ maxLength: 120 }),
				fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'application/json', ''),
				async (bytes, contentType) => {
					const h = harness({
						method: 'POST',
						body: Buffer.from(bytes),
						contentType: contentType || undefined,
					});
					await expect(h.run()).resolves.toEqual({ noWebhookResponse: true });
					expect(h.res.sendCount).toBe(1);
					expect([400, 401, 403]).toContain(h.res.statusCode);
				},
			),
			{ seed: 5, numRuns: 300 },
		);
	});
});

describe('the signature key never appears in items, logs, bodies or responses (webhook() and execute())', () => {
	const full = sign(PURCHASE).signature;
	const scenarios: Array<[string, CallOptions]> = [
		['valid purchase', { query: signedQuery(PURCHASE) }],
		[
			'valid purchase answered by execute() (whenRunStarts)',
			{ query: signedQuery(PURCHASE), options: { answerOk: 'whenRunStarts' } },
		],
		['valid SHA-1 rebill', { query: signedQuery(REBILL, 'sha1') }],
		[
			'valid POST credit',
			{
				method: 'POST',
				body: signedQuery(CREDIT),
				contentType: 'application/x-www-form-urlencoded',
			},
		],
		['valid cancel (fingerprinted key)', { query: signedQuery(CANCEL) }],
		['test mode (manual)', { query: signedQuery(PURCHASE), mode: 'manual' }],
		['tampered', { query: signedQuery(PURCHASE).replace('19.99', '9.99') }],
		['missing signature', { query: buildQueryString(Object.entries(PURCHASE)) }],
		['wrong shop', { query: signedQuery({ ...PURCHASE, shopID: '1' }) }],
		[
			'key used as a parameter name',
			{ query: `${signedQuery(PURCHASE)}&${TEST_SIGNATURE_KEY}=1&${TEST_SIGNATURE_KEY}=2` },
		],
		[
			'key echoed in a malformed value',
			{ query: `${signedQuery(PURCHASE)}&custom3=${TEST_SIGNATURE_KEY}%ZZ` },
		],
		[
			'key inside a `:name=` value',
			{ query: signedQuery({ ...PURCHASE, custom3: `x:${TEST_SIGNATURE_KEY}=1` }) },
		],
		[
			'oversized POST body carrying the key',
			{
				method: 'POST',
				body: `${TEST_SIGNATURE_KEY}=`.repeat(
					Math.ceil(MAX_BODY_BYTES / TEST_SIGNATURE_KEY.length),
				),
				contentType: 'application/x-www-form-urlencoded',
			},
		],
		[
			'JSON POST body carrying the key',
			{
				method: 'POST',
				body: JSON.stringify({ key: TEST_SIGNATURE_KEY }),
				contentType: 'application/json',
			},
		],
		[
			'misconfigured shop ID',
			{
				query: signedQuery(PURCHASE),
				credentials: { ...TEST_CREDENTIALS, shopId: `shop ${TEST_SIGNATURE_KEY}` },
			},
		],
		[
			'credential that cannot be loaded',
			{
				query: signedQuery(PURCHASE),
				credentials: new Error('Node does not have any credentials set for "verotelFlexPayApi"'),
			},
		],
		['deselected event', { query: signedQuery(CREDIT), options: { events: ['purchase'] } }],
		[
			'status lookup that throws with the key in its message',
			{
				query: signedQuery(PURCHASE),
				options: { fetchSaleDetails: true, answerOk: 'whenRunStarts' },
				httpRequestWithAuthentication: async () => {
					throw new Error(
						`GET https://secure.verotel.com/salestatus?saleID=1&signature=${full} failed for ${TEST_SIGNATURE_KEY}`,
					);
				},
			},
		],
		[
			'status lookup answering with the key',
			{
				query: signedQuery(PURCHASE),
				options: { fetchSaleDetails: true },
				httpRequestWithAuthentication: async () => ({
					statusCode: 200,
					body: `response: ERROR\nerror: ${TEST_SIGNATURE_KEY} ${full}\n`,
				}),
			},
		],
		[
			'status service answering HTTP 500 with the key in its page',
			{
				query: signedQuery(PURCHASE),
				options: { fetchSaleDetails: true },
				httpRequestWithAuthentication: async () => ({
					statusCode: 500,
					body: `<html>${TEST_SIGNATURE_KEY}</html>`,
				}),
			},
		],
	];

	function expectNoLeak(delivery: Delivery): void {
		const text = visibleText(delivery.h, delivery.result, delivery);
		expect(text).not.toContain(TEST_SIGNATURE_KEY);
		expect(text).not.toContain(TEST_SIGNATURE_KEY.toLowerCase());
		// Logs never carry a whole signature either.
		expect(JSON.stringify([delivery.h.logs, delivery.e?.logs ?? []])).not.toMatch(
			/[0-9a-fA-F]{40}/,
		);
	}

	it.each(scenarios)('%s', async (_name, call) => {
		const delivery = await deliverAndExecute(call);
		expectNoLeak(delivery);
		expectAnsweredOnce(delivery.h, delivery.result);
		// Whenever webhook() started a run, execute() ran on its item.
		expect(delivery.output === undefined).toBe(delivery.result.workflowData === undefined);
	});

	it('cached credential: a forged postback after a valid one, and a re-read', async () => {
		const workflowId = 'wf-leak-cache';
		const deliveries = [
			await deliverAndExecute({ query: signedQuery(PURCHASE), workflowId }),
			await deliverAndExecute({
				query: signedQuery(CREDIT, 'sha256', 'someOtherKey123'),
				workflowId,
			}),
			await deliverAndExecute({
				query: `${buildQueryString(Object.entries(CREDIT))}&signature=${TEST_SIGNATURE_KEY}`,
				workflowId,
			}),
		];
		for (const delivery of deliveries) expectNoLeak(delivery);
		expect(deliveries.map((d) => d.h.res.statusCode)).toEqual([undefined, 401, 401]);
	});

	it("a repeat, and n8n's deduplication store failing", async () => {
		const processed = new ProcessedStore();
		const workflowId = 'wf-leak-repeat';
		const first = await deliverAndExecute({ query: signedQuery(PURCHASE), workflowId, processed });
		const repeat = await deliverAndExecute({ query: signedQuery(PURCHASE), workflowId, processed });
		expect(repeat.output).toEqual([[]]);
		processed.failWith = new Error(`could not write the row: signature=${full}`);
		const failed = await deliverAndExecute({ query: signedQuery(CREDIT), workflowId, processed });
		expect(failed.e?.logs.map((l) => l.level)).toEqual(['error']);
		for (const delivery of [first, repeat, failed]) expectNoLeak(delivery);
	});
});
