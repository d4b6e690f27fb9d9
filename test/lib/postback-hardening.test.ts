/**
 * What a signature cannot protect: FlexPay's canonical string joins `k=v`
 * pairs with `:` and escapes nothing, so a signed set can be regrouped into
 * another set with the same signature. These tests hold the parser to refusing
 * every regrouped form, and the URL builders to never producing one.
 */
import {
	FlexPayMalformedQueryError,
	FlexPayValidationError,
	buildPurchaseUrl,
	buildQueryString,
	buildStatusUrl,
	buildSubscriptionUrl,
	computeSignature,
	parsePostback,
	parseSuccessRedirect,
	type FlexPayParams,
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import {
	CREDIT_POSTBACK,
	PURCHASE_POSTBACK,
	postbackQuery,
	signPostback,
} from '../helpers/postbacks';

const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

function malformed(fn: () => unknown): FlexPayMalformedQueryError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(FlexPayMalformedQueryError);
		expect((error as FlexPayMalformedQueryError).code).toBe('MALFORMED_QUERY');
		expect((error as Error).message).not.toContain(TEST_SIGNATURE_KEY);
		return error as FlexPayMalformedQueryError;
	}
	throw new Error('expected a FlexPayMalformedQueryError');
}

/** The same parameters with another set's signature, as raw query and as a parsed map. */
function deliveries(
	params: FlexPayParams,
	signature: string,
): Array<string | Record<string, unknown>> {
	const map = { ...params, signature };
	return [buildQueryString(Object.entries(map)), map];
}

describe('re-splitting: a regrouped parameter set is refused although its signature matches', () => {
	const credit: FlexPayParams = { ...CREDIT_POSTBACK, custom1: 'user-42' };
	const { signature } = signPostback(TEST_SIGNATURE_KEY, credit);

	test('a signed credit delivered with event folded into custom1 (the event hidden) is refused, naming custom1', () => {
		const { event, custom1, ...rest } = credit;
		const forged: FlexPayParams = { ...rest, custom1: `${custom1}:event=${event}` };
		// The attack is real: both sets have one canonical string and so one signature.
		expect(computeSignature(TEST_SIGNATURE_KEY, forged)).toBe(signature);
		for (const delivery of deliveries(forged, signature)) {
			expect(malformed(() => parsePostback(delivery, config)).field).toBe('custom1');
			expect(malformed(() => parseSuccessRedirect(delivery, config)).field).toBe('custom1');
		}
	});

	test('a set signed with custom1=user-42:event=credit as one parameter is refused as delivered', () => {
		const { event: _event, ...purchaseLike } = credit;
		const merged: FlexPayParams = { ...purchaseLike, custom1: 'user-42:event=credit' };
		for (const delivery of deliveries(merged, computeSignature(TEST_SIGNATURE_KEY, merged))) {
			expect(malformed(() => parsePostback(delivery, config)).field).toBe('custom1');
		}
		// Percent-encoded separators are decoded first, so encoding does not slip past.
		const encoded = postbackQuery(TEST_SIGNATURE_KEY, merged).replace(
			'user-42%3Aevent%3Dcredit',
			'user-42%3aevent%3dcredit',
		);
		expect(malformed(() => parsePostback(encoded, config)).field).toBe('custom1');
	});

	test('shopID folded into the value before it is refused', () => {
		const { shopID, saleID, ...rest } = PURCHASE_POSTBACK;
		const folded: FlexPayParams = { ...rest, saleID: `${saleID}:shopID=${shopID}` };
		const { signature: genuine } = signPostback(TEST_SIGNATURE_KEY, PURCHASE_POSTBACK);
		expect(computeSignature(TEST_SIGNATURE_KEY, folded)).toBe(genuine);
		for (const delivery of deliveries(folded, genuine)) {
			expect(malformed(() => parsePostback(delivery, config)).field).toMatch(/^(shopID|saleID)$/);
		}
	});

	test.each([
		['a URL with a port and a query', 'https://x.example:8080/a?b=1'],
		['a URL with user info', 'ftp://user:pass@x.example/a=b'],
		['a time of day', 'at 10:30'],
		['a colon before a space', 'note: a=b'],
		['a colon directly before "="', 'a:=b'],
		['a trailing colon', 'x=1:'],
	])('%s verifies, the same value with ":event=credit" appended does not', (_label, value) => {
		const params = { ...PURCHASE_POSTBACK, custom2: value };
		expect(parsePostback(postbackQuery(TEST_SIGNATURE_KEY, params), config).custom2).toBe(value);
		expect(parsePostback(signPostback(TEST_SIGNATURE_KEY, params), config).custom2).toBe(value);
		const forged = { ...params, custom2: `${value}:event=credit` };
		expect(
			malformed(() => parsePostback(postbackQuery(TEST_SIGNATURE_KEY, forged), config)).field,
		).toBe('custom2');
	});
});

describe('shopID must be sent, not assumed', () => {
	test('a postback or redirect without shopID is refused even when signed as if it had the configured one', () => {
		const { shopID, ...noShop } = PURCHASE_POSTBACK;
		const { signature } = signPostback(TEST_SIGNATURE_KEY, { ...noShop, shopID });
		for (const delivery of deliveries(noShop, signature)) {
			const error = malformed(() => parsePostback(delivery, config));
			expect(error.field).toBe('shopID');
			expect(error.message).toMatch(/no shopID/);
			expect(error.hint).toBeTruthy();
		}
		expect(
			malformed(() =>
				parsePostback(postbackQuery(TEST_SIGNATURE_KEY, { ...noShop, shopID: '' }), config),
			).field,
		).toBe('shopID');
	});
});

describe('Verotel IDs are digits only, at most 20', () => {
	test.each([
		['saleID', 'abc'],
		['saleID', '12 34'],
		['saleID', '1'.repeat(21)],
		['transactionID', '-1'],
		['transactionID', '5550l'],
		['parentID', '1.5'],
		['precededBySaleID', '0x10'],
	])('%s=%j is refused, naming the parameter', (field, value) => {
		const params = { ...PURCHASE_POSTBACK, [field]: value };
		for (const delivery of [
			postbackQuery(TEST_SIGNATURE_KEY, params),
			signPostback(TEST_SIGNATURE_KEY, params),
		]) {
			const error = malformed(() => parsePostback(delivery, config));
			expect(error.field).toBe(field);
			expect(error.hint).toMatch(/digits/);
		}
	});

	test('20 digits are accepted, 21 are not', () => {
		const params = { ...CREDIT_POSTBACK, saleID: '9'.repeat(20), precededBySaleID: '433456' };
		const postback = parsePostback(postbackQuery(TEST_SIGNATURE_KEY, params), config);
		expect(postback).toMatchObject({
			saleID: '9'.repeat(20),
			transactionID: '55502',
			parentID: '55501',
			precededBySaleID: '433456',
		});
		expect(
			malformed(() =>
				parsePostback(
					postbackQuery(TEST_SIGNATURE_KEY, { ...params, transactionID: '9'.repeat(21) }),
					config,
				),
			).field,
		).toBe('transactionID');
	});
});

describe('URL builders never sign a value the postback parser would refuse', () => {
	const base = { priceAmount: '9.99', priceCurrency: 'EUR', description: 'Video' };

	function validationError(fn: () => unknown): FlexPayValidationError {
		try {
			fn();
		} catch (error) {
			expect(error).toBeInstanceOf(FlexPayValidationError);
			expect((error as FlexPayValidationError).hint).toBeTruthy();
			expect((error as Error).message).not.toContain(TEST_SIGNATURE_KEY);
			return error as FlexPayValidationError;
		}
		throw new Error('expected a FlexPayValidationError');
	}

	test.each([
		['custom1', { ...base, custom1: 'user-42:event=credit' }],
		['referenceID', { ...base, referenceID: 'order-1:shopID=1' }],
		['description', { ...base, description: 'Gold:type=subscription' }],
		['successURL', { ...base, successURL: 'https://x.example/ok?a=1:b=2' }],
		['blah', { ...base, blah: 'x:y=z' }],
	])('a purchase with ":name=" in %s is refused, naming it', (field, params) => {
		expect(validationError(() => buildPurchaseUrl(config, params)).field).toBe(field);
	});

	test('subscriptions and status requests too', () => {
		const sub = {
			priceAmount: '9.99',
			priceCurrency: 'EUR',
			period: 'P30D',
			subscriptionType: 'recurring',
		};
		expect(
			validationError(() => buildSubscriptionUrl(config, { ...sub, name: 'Gold:event=credit' }))
				.field,
		).toBe('name');
		expect(validationError(() => buildStatusUrl(config, { referenceID: 'a:b=c' })).field).toBe(
			'referenceID',
		);
	});

	test('a URL with a port is fine, the same URL with ":name=" in its query is not', () => {
		expect(
			buildPurchaseUrl(config, { ...base, successURL: 'https://x.example:8080/a?b=1' }),
		).toContain('successURL=https%3A%2F%2Fx.example%3A8080%2Fa%3Fb%3D1');
		expect(
			validationError(() =>
				buildPurchaseUrl(config, { ...base, successURL: 'https://x.example:8080/a?b=1:c=2' }),
			).field,
		).toBe('successURL');
	});
});
