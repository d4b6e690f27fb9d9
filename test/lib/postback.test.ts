import {
	FlexPayMalformedQueryError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayValidationError,
	buildQueryString,
	parseAmount,
	parsePostback,
	parseRawQuery,
	parseSuccessRedirect,
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import {
	CHARGEBACK_POSTBACK,
	CREDIT_POSTBACK,
	PURCHASE_POSTBACK,
	postbackQuery,
	signPostback,
} from '../helpers/postbacks';

const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

function expectThrows(
	fn: () => unknown,
	type: new (...args: never[]) => Error,
	code?: string,
): Error {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(type);
	if (code) expect((caught as { code: string }).code).toBe(code);
	expect((caught as Error).message).not.toContain(TEST_SIGNATURE_KEY);
	return caught as Error;
}

describe('parsePostback: valid postbacks', () => {
	test('initial purchase (no event) is normalised to purchase with typed fields', () => {
		const postback = parsePostback(postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK), config);
		expect(postback).toEqual({
			event: 'purchase',
			type: 'purchase',
			shopID: TEST_SHOP_ID,
			saleID: '987654',
			transactionID: '55501',
			referenceID: 'order-42',
			amount: 9.99,
			amountString: '9.99',
			currency: 'EUR',
			paymentMethod: 'CC',
			custom1: 'user-7',
			CCBrand: 'VISA',
			truncatedPAN: 'XXXXXXXXXXXX1111',
			idempotencyKey: `${TEST_SHOP_ID}:987654:purchase`,
			signatureAlgorithm: 'sha256',
			params: PURCHASE_POSTBACK,
		});
	});

	test('credit and chargeback keep their event and parentID; keys differ per transaction', () => {
		const credit = parsePostback(postbackQuery(TEST_SIGNATURE_KEY, CREDIT_POSTBACK), config);
		const chargeback = parsePostback(
			postbackQuery(TEST_SIGNATURE_KEY, CHARGEBACK_POSTBACK),
			config,
		);
		expect(credit.event).toBe('credit');
		expect(credit.parentID).toBe('55501');
		expect(chargeback.event).toBe('chargeback');
		expect(new Set([credit.idempotencyKey, chargeback.idempotencyKey]).size).toBe(2);
	});

	test('a redelivery has the same idempotency key whatever the parameter order', () => {
		const signed = signPostback(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK);
		const reversed = buildQueryString(Object.entries(signed).reverse());
		expect(parsePostback(reversed, config).idempotencyKey).toBe(
			parsePostback(postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK), config).idempotencyKey,
		);
	});

	test('subscription rebill uses amount/currency and becomes event rebill', () => {
		const rebill = {
			event: 'rebill',
			shopID: TEST_SHOP_ID,
			saleID: '1',
			transactionID: '2',
			amount: '19.90',
			currency: 'USD',
			type: 'subscription',
			nextChargeOn: '2026-12-26',
			subscriptionPhase: 'normal',
			CCBrand: 'MC',
		};
		const postback = parsePostback(postbackQuery(TEST_SIGNATURE_KEY, rebill), config);
		expect(postback).toMatchObject({
			event: 'rebill',
			amount: 19.9,
			amountString: '19.90',
			currency: 'USD',
			nextChargeOn: '2026-12-26',
			subscriptionPhase: 'normal',
		});
	});

	test('an empty amount or currency counts as not sent: it hides no other and is left out', () => {
		const parse = (params: Record<string, string>) =>
			parsePostback(postbackQuery(TEST_SIGNATURE_KEY, { ...CREDIT_POSTBACK, ...params }), config);
		const rebillStyle = parse({
			priceAmount: '',
			priceCurrency: '',
			amount: '5.00',
			currency: 'USD',
		});
		expect(rebillStyle).toMatchObject({ amount: 5, amountString: '5.00', currency: 'USD' });
		const empty = parse({ priceAmount: '', priceCurrency: '' });
		expect(empty.amount).toBeNull();
		expect(empty).not.toHaveProperty('amountString');
		expect(empty).not.toHaveProperty('currency');
	});

	test('a subscription without event is its initial postback; unknown events are kept lower-cased', () => {
		expect(
			parsePostback(
				postbackQuery(TEST_SIGNATURE_KEY, {
					shopID: TEST_SHOP_ID,
					saleID: '3',
					type: 'subscription',
				}),
				config,
			).event,
		).toBe('initial');
		expect(
			parsePostback(
				postbackQuery(TEST_SIGNATURE_KEY, {
					shopID: TEST_SHOP_ID,
					saleID: '3',
					type: 'subscription',
					event: 'SomethingNew',
				}),
				config,
			).event,
		).toBe('somethingnew');
	});

	test('legacy SHA-1 is accepted unless disabled; upper-case hex is accepted', () => {
		const sha1 = postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK, 'sha1');
		expect(parsePostback(sha1, config).signatureAlgorithm).toBe('sha1');
		expectThrows(
			() => parsePostback(sha1, config, { allowSha1: false }),
			FlexPaySignatureError,
			'SIGNATURE_INVALID',
		);
		const signed = signPostback(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK);
		const upper = buildQueryString(
			Object.entries({ ...signed, signature: signed.signature.toUpperCase() }),
		);
		expect(parsePostback(upper, config).saleID).toBe('987654');
	});

	test('a parsed map (framework query object) verifies the same as the raw string', () => {
		const map = signPostback(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK);
		expect(parsePostback(map, config)).toEqual(
			parsePostback(postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK), config),
		);
	});

	test('leading "?" and + as space; a merchant static parameter of the postback URL is signed too', () => {
		const params = { ...PURCHASE_POSTBACK, custom2: 'two words', 'wc-api': 'callback' };
		const postback = parsePostback('?' + postbackQuery(TEST_SIGNATURE_KEY, params), config);
		expect(postback.custom2).toBe('two words');
		expect(postback.params['wc-api']).toBe('callback');
	});

	test('the key is trimmed like a pasted Control Center key', () => {
		const withSpaces = { shopId: ` ${TEST_SHOP_ID} `, signatureKey: `${TEST_SIGNATURE_KEY}\n` };
		expect(
			parsePostback(postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK), withSpaces).shopID,
		).toBe(TEST_SHOP_ID);
	});

	test('parseSuccessRedirect verifies a redirect exactly like a postback', () => {
		const redirect = {
			shopID: TEST_SHOP_ID,
			saleID: '987654',
			priceAmount: '9.99',
			priceCurrency: 'EUR',
			paymentMethod: 'CC',
			type: 'purchase',
		};
		expect(parseSuccessRedirect(postbackQuery(TEST_SIGNATURE_KEY, redirect), config).event).toBe(
			'purchase',
		);
	});
});

describe('parsePostback: rejections', () => {
	const good = () => signPostback(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK);

	test('tampered amount', () => {
		const query = buildQueryString(Object.entries({ ...good(), priceAmount: '0.01' }));
		expectThrows(() => parsePostback(query, config), FlexPaySignatureError, 'SIGNATURE_INVALID');
	});

	test('missing and empty signature', () => {
		const { signature, ...unsigned } = good();
		expect(signature).toHaveLength(64);
		expectThrows(
			() => parsePostback(buildQueryString(Object.entries(unsigned)), config),
			FlexPaySignatureError,
			'SIGNATURE_MISSING',
		);
		expectThrows(
			() => parsePostback(buildQueryString(Object.entries({ ...unsigned, signature: '' })), config),
			FlexPaySignatureError,
			'SIGNATURE_MISSING',
		);
	});

	test('non-hex or truncated signatures never match', () => {
		const { signature } = good();
		for (const bad of [
			signature.slice(0, 63),
			signature + '0',
			'z'.repeat(64),
			signature.slice(0, 40),
		]) {
			expectThrows(
				() =>
					parsePostback(buildQueryString(Object.entries({ ...good(), signature: bad })), config),
				FlexPaySignatureError,
			);
		}
	});

	test('wrong key', () => {
		expectThrows(
			() => parsePostback(postbackQuery('another-key', PURCHASE_POSTBACK), config),
			FlexPaySignatureError,
			'SIGNATURE_INVALID',
		);
	});

	test('another shop, even correctly signed', () => {
		const error = expectThrows(
			() =>
				parsePostback(
					postbackQuery(TEST_SIGNATURE_KEY, { ...PURCHASE_POSTBACK, shopID: '999' }),
					config,
				),
			FlexPayShopMismatchError,
			'SHOP_MISMATCH',
		);
		expect((error as FlexPayShopMismatchError).receivedShopID).toBe('999');
	});

	test('duplicate keys, in the raw string and as arrays in a map', () => {
		const query = postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK) + '&priceAmount=0.01';
		expectThrows(() => parsePostback(query, config), FlexPayMalformedQueryError);
		expectThrows(
			() => parsePostback({ ...good(), priceAmount: ['9.99', '0.01'] }, config),
			FlexPayMalformedQueryError,
		);
	});

	test('invalid UTF-8, incomplete escapes, control characters, array syntax', () => {
		const base = postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK);
		for (const extra of [
			'custom3=%C3',
			'custom3=%ED%A0%80',
			'custom3=%C0%AF',
			'custom3=%zz',
			'custom3=%4',
			'custom3=a%0Ab',
			'custom3=%7F',
			'custom3=%C2%85',
			'a[]=1',
			'a%5B%5D=1',
			'sp ace=1',
		]) {
			expectThrows(() => parsePostback(`${base}&${extra}`, config), FlexPayMalformedQueryError);
		}
	});

	test('oversized queries and too many parameters', () => {
		expectThrows(() => parseRawQuery('a=' + 'x'.repeat(20000)), FlexPayMalformedQueryError);
		expectThrows(
			() => parseRawQuery(Array.from({ length: 101 }, (_, i) => `k${i}=v`).join('&')),
			FlexPayMalformedQueryError,
		);
	});

	test('an unusable configuration is a validation error, not a signature error', () => {
		expectThrows(
			() =>
				parsePostback(postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK), {
					shopId: TEST_SHOP_ID,
					signatureKey: '  ',
				}),
			FlexPayValidationError,
		);
		expectThrows(
			() =>
				parsePostback(postbackQuery(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK), {
					shopId: 'abc',
					signatureKey: TEST_SIGNATURE_KEY,
				}),
			FlexPayValidationError,
		);
	});
});

describe('parseAmount', () => {
	it('reads digits with an optional dot and decimals; anything else is null', () => {
		expect(parseAmount('9.99')).toBe(9.99);
		expect(parseAmount('45.20')).toBe(45.2);
		expect(parseAmount('0')).toBe(0);
		for (const text of [undefined, '', '9,99', '-1', '1e3', ' 9.99', '9.', '.5', 'NaN'])
			expect(parseAmount(text)).toBeNull();
	});
});

describe('parseRawQuery', () => {
	test('decodes form encoding and keeps empty values and zero', () => {
		expect(parseRawQuery('a=x+y&b=%C5%A1&c=&d=0&e')).toEqual({
			a: 'x y',
			b: 'š',
			c: '',
			d: '0',
			e: '',
		});
	});
	test('skips empty segments', () => {
		expect(parseRawQuery('a=1&&b=2&')).toEqual({ a: '1', b: '2' });
	});
});
