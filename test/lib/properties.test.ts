import fc from 'fast-check';
import {
	FlexPayError,
	buildPurchaseRequest,
	buildQueryString,
	computeSignature,
	parsePostback,
	parseRawQuery,
	signRequest,
	type FlexPayParams,
} from '../../lib';
import { TEST_KEY, TEST_SHOP, signPostback } from '../helpers/postbacks';

// Fixed seed: a failure reproduces on every machine; thousands of cases stay under a second or two.
const settings = { seed: 20261126, numRuns: 2000 };
const config = { shopId: TEST_SHOP, signatureKey: TEST_KEY };

const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/).filter((k) => k !== 'signature' && k !== 'shopID');
/** Any printable Unicode text (control characters are refused by design). */
const value = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((v) => !/[\u0000-\u001f\u007f-\u009f]/.test(v));
const paramsArb = fc.dictionary(key, value, { minKeys: 1, maxKeys: 12 }).map((p) => ({ ...p, shopID: TEST_SHOP }));

describe('property: build -> parse -> verify', () => {
	test('every signed map survives encoding and verifies, with identical parameters', () => {
		fc.assert(
			fc.property(paramsArb, (params) => {
				const query = buildQueryString(Object.entries(signPostback(TEST_KEY, params)));
				expect(parsePostback(query, config).params).toEqual(params);
			}),
			settings,
		);
	});

	test('the signature does not depend on parameter order', () => {
		fc.assert(
			fc.property(paramsArb, (params) => {
				const reversed = Object.fromEntries(Object.entries(params).reverse());
				expect(computeSignature(TEST_KEY, reversed)).toBe(computeSignature(TEST_KEY, params));
			}),
			settings,
		);
	});

	test('any changed, added or removed parameter is rejected', () => {
		const mutation = fc.oneof(
			fc.record({ kind: fc.constant('change' as const), pick: fc.nat(), to: value }),
			fc.record({ kind: fc.constant('add' as const), key, to: value }),
			fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
		);
		fc.assert(
			fc.property(paramsArb, mutation, (params, m) => {
				const signed = signPostback(TEST_KEY, params);
				const mutated: FlexPayParams = { ...signed };
				const keys = Object.keys(params).filter((k) => k !== 'shopID');
				if (m.kind === 'change') {
					if (keys.length === 0) return;
					const k = keys[m.pick % keys.length];
					fc.pre(mutated[k] !== m.to);
					mutated[k] = m.to;
				} else if (m.kind === 'add') {
					fc.pre(!(m.key in mutated));
					mutated[m.key] = m.to;
				} else {
					if (keys.length === 0) return;
					delete mutated[keys[m.pick % keys.length]];
				}
				expect(() => parsePostback(buildQueryString(Object.entries(mutated)), config)).toThrow(FlexPayError);
			}),
			settings,
		);
	});

	test('random query strings only ever produce typed FlexPay errors or a verified postback', () => {
		const raw = fc.oneof(
			fc.string({ maxLength: 200 }),
			fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })), { maxLength: 10 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
		);
		fc.assert(
			fc.property(raw, (query) => {
				try {
					parsePostback(query, config);
					throw new Error('accepted an unsigned random query');
				} catch (error) {
					expect(error).toBeInstanceOf(FlexPayError);
					expect((error as Error).message).not.toContain(TEST_KEY);
				}
			}),
			settings,
		);
	});

	test('purchase URLs: the query re-parses to the sent parameters and the whitelist signature matches', () => {
		const input = fc.record({
			priceAmount: fc.integer({ min: 0, max: 10_000_000 }).map((c) => (c / 100).toFixed(2)),
			priceCurrency: fc.constantFrom('USD', 'EUR', 'GBP', 'CHF'),
			description: value.filter((d) => d.trim() !== '' && Array.from(d).length <= 100),
			custom1: fc.option(value, { nil: undefined }),
			referenceID: fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/), { nil: undefined }),
			email: fc.option(fc.constantFrom('a@b.example', 'x.y+z@shop.example'), { nil: undefined }),
		});
		fc.assert(
			fc.property(input, (params) => {
				const request = buildPurchaseRequest(config, params);
				const query = request.url.slice(request.url.indexOf('?') + 1);
				const parsed = parseRawQuery(query);
				expect(parsed).toEqual(request.params);
				expect(query.endsWith(`&signature=${parsed.signature}`)).toBe(true);
				const { signature, ...rest } = parsed;
				expect(signRequest(TEST_KEY, rest)).toBe(signature);
			}),
			{ ...settings, numRuns: 500 },
		);
	});
});
