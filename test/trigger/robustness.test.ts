/**
 * Property-based robustness and the "the key never leaks" sweep. Fixed seeds,
 * so a failure reproduces.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { buildQueryString, type FlexPayParams } from '../../lib';
import { CHARGEBACK, CREDENTIALS, CREDIT, harness, KEY, PURCHASE, REBILL, SHOP, sign, signedQuery, visibleText, type CallOptions } from './harness';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const paramName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/).filter((k) => k !== 'signature' && k !== 'shopID');
const paramValue = fc.oneof(
	fc.fullUnicodeString({ maxLength: 40 }),
	fc.stringOf(fc.constantFrom('a', '7', ' ', '+', '&', '=', '%', ':', 'é', 'ř', '€', '😀', '\n', '\t', '\u0085', '\u007f'), { maxLength: 12 }),
);
const paramMap = fc.dictionary(paramName, paramValue, { maxKeys: 8 });

describe('property: a correctly signed postback is accepted exactly as sent', () => {
	it('any parameter names and Unicode values round-trip into item.params (or 400 for control characters)', async () => {
		const seen = { accepted: 0, refused: 0, nonAscii: 0 };
		await fc.assert(
			fc.asyncProperty(paramMap, fc.constantFrom<'sha256' | 'sha1'>('sha256', 'sha1'), fc.constantFrom<'GET' | 'POST'>('GET', 'POST'), async (extra, algorithm, method) => {
				const params: FlexPayParams = { ...extra, shopID: SHOP };
				const query = signedQuery(params, algorithm);
				const h = harness(method === 'GET' ? { query } : { method, body: query, contentType: 'application/x-www-form-urlencoded' });
				const result = await h.run();
				expect(h.res.sendCount).toBe(1);
				if (Object.values(params).some((v) => /[^\x00-\x7f]/.test(v))) seen.nonAscii++;
				if (Object.values(params).some((v) => CONTROL.test(v))) {
					seen.refused++;
					expect(h.res.statusCode).toBe(400);
					expect(result).toEqual({ noWebhookResponse: true });
				} else {
					seen.accepted++;
					expect(h.res.statusCode).toBe(200);
					expect(h.res.body).toBe('OK');
					const item = result.workflowData?.[0][0].json as IDataObject;
					expect(item.params).toEqual(params);
					expect(item.signatureAlgorithm).toBe(algorithm);
				}
			}),
			{ seed: 20240917, numRuns: 250 },
		);
		// Both branches were exercised, with non-ASCII data.
		expect(seen.accepted).toBeGreaterThan(50);
		expect(seen.refused).toBeGreaterThan(5);
		expect(seen.nonAscii).toBeGreaterThan(50);
	});

	it('changing any one value, or adding a parameter, is never accepted', async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(PURCHASE, CREDIT, CHARGEBACK, REBILL), fc.nat(), fc.fullUnicodeString({ minLength: 1, maxLength: 5 }), fc.boolean(), async (base, index, suffix, add) => {
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
			}),
			{ seed: 7, numRuns: 300 },
		);
	});
});

describe('property: arbitrary input never throws, never 500, answers exactly once', () => {
	const wild = fc.oneof(
		fc.fullUnicodeString({ maxLength: 200 }),
		fc.stringOf(fc.constantFrom('a', 'Z', '=', '&', '%', '+', '[', ']', '2', 'F', 'C', '3', '0', '?', 'signature', 'shopID', '\u00ff', '\u0000'), { maxLength: 80 }),
	);
	it('GET query strings', async () => {
		await fc.assert(
			fc.asyncProperty(wild, async (query) => {
				const h = harness({ query });
				await expect(h.run()).resolves.toEqual({ noWebhookResponse: true });
				expect(h.res.sendCount).toBe(1);
				expect([400, 401, 403]).toContain(h.res.statusCode);
				expect(h.res.contentType).toBe('text/plain');
				expect(h.res.body).not.toContain(KEY);
			}),
			{ seed: 99, numRuns: 400 },
		);
	});

	it('POST bodies (bytes)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'application/json', ''), async (bytes, contentType) => {
				const h = harness({ method: 'POST', body: Buffer.from(bytes), contentType: contentType || undefined });
				await expect(h.run()).resolves.toEqual({ noWebhookResponse: true });
				expect(h.res.sendCount).toBe(1);
				expect([400, 401, 403]).toContain(h.res.statusCode);
			}),
			{ seed: 5, numRuns: 300 },
		);
	});
});

describe('the signature key never appears in items, logs, bodies or static data', () => {
	const full = sign(PURCHASE).signature;
	const scenarios: Array<[string, CallOptions]> = [
		['valid purchase', { query: signedQuery(PURCHASE) }],
		['valid SHA-1 rebill', { query: signedQuery(REBILL, 'sha1') }],
		['valid POST credit', { method: 'POST', body: signedQuery(CREDIT), contentType: 'application/x-www-form-urlencoded' }],
		['tampered', { query: signedQuery(PURCHASE).replace('19.99', '9.99') }],
		['missing signature', { query: buildQueryString(Object.entries(PURCHASE)) }],
		['wrong shop', { query: signedQuery({ ...PURCHASE, shopID: '1' }) }],
		['key used as a parameter name', { query: `${signedQuery(PURCHASE)}&${KEY}=1&${KEY}=2` }],
		['key echoed in a malformed value', { query: `${signedQuery(PURCHASE)}&custom3=${KEY}%ZZ` }],
		['misconfigured shop ID', { query: signedQuery(PURCHASE), credentials: { ...CREDENTIALS, shopId: `shop ${KEY}` } }],
		['repeat', { query: signedQuery(PURCHASE), staticData: { processedPostbackKeys: [`${SHOP}:700001:purchase:900001`] } }],
		['deselected event', { query: signedQuery(CREDIT), options: { events: ['purchase'] } }],
		[
			'status lookup that throws with the key in its message',
			{
				query: signedQuery(PURCHASE),
				options: { fetchSaleDetails: true },
				httpRequestWithAuthentication: async () => {
					throw new Error(`GET https://secure.verotel.com/salestatus?saleID=1&signature=${full} failed for ${KEY}`);
				},
			},
		],
		[
			'status lookup answering with the key',
			{
				query: signedQuery(PURCHASE),
				options: { fetchSaleDetails: true },
				httpRequestWithAuthentication: async () => ({ statusCode: 200, body: `response: ERROR\nerror: ${KEY} ${full}\n` }),
			},
		],
	];

	it.each(scenarios)('%s', async (_name, call) => {
		const h = harness(call);
		const result = await h.run();
		const text = visibleText(h, result);
		expect(text).not.toContain(KEY);
		expect(text).not.toContain(KEY.toLowerCase());
		// Logs never carry a whole signature either.
		expect(JSON.stringify(h.logs)).not.toMatch(/[0-9a-fA-F]{40}/);
		expect(h.res.sendCount).toBe(1);
	});
});
