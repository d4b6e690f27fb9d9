/**
 * idempotencyKey of parsed postbacks (docs/design/delivery.md §3). The rule the
 * trigger applies on top ("a repeat is a postback whose key an earlier
 * execution recorded") is the trigger's job; these tests pin the values.
 */
import { createHash } from 'crypto';

import {
	buildQueryString,
	idempotencyKeyOf,
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
const parse = (params: FlexPayParams) =>
	parsePostback(postbackQuery(TEST_SIGNATURE_KEY, params), config);

/** Written out independently of the lib: sorted `k=v` joined by `:`, no key, no signature. */
function expectedFingerprint(params: FlexPayParams): string {
	const canonical = Object.keys(params)
		.sort()
		.map((key) => `${key}=${params[key]}`)
		.join(':');
	return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 20);
}

const SALE = '987654';
const cancel: FlexPayParams = {
	event: 'cancel',
	shopID: TEST_SHOP_ID,
	saleID: SALE,
	type: 'subscription',
	cancelledBy: 'user',
	subscriptionPhase: 'normal',
};
const uncancel: FlexPayParams = {
	event: 'uncancel',
	shopID: TEST_SHOP_ID,
	saleID: SALE,
	type: 'subscription',
	uncancelledBy: 'user',
	subscriptionPhase: 'normal',
};

describe('idempotency of events that open a sale (purchase, initial, upgrade)', () => {
	test('the success redirect of a purchase and its postback have the same key: shopID:saleID:event', () => {
		const postback = parse(PURCHASE_POSTBACK);
		const redirectParams = {
			shopID: TEST_SHOP_ID,
			saleID: SALE,
			priceAmount: '9.99',
			priceCurrency: 'EUR',
			paymentMethod: 'CC',
			type: 'purchase',
		};
		const redirect = parseSuccessRedirect(
			postbackQuery(TEST_SIGNATURE_KEY, redirectParams),
			config,
		);
		expect(postback.transactionID).toBe('55501');
		expect(redirect.transactionID).toBeUndefined();
		expect(postback.idempotencyKey).toBe(`${TEST_SHOP_ID}:${SALE}:purchase`);
		expect(redirect.idempotencyKey).toBe(postback.idempotencyKey);
	});

	test('initial and upgrade postbacks are keyed by their sale only', () => {
		const initial = parse({
			shopID: TEST_SHOP_ID,
			saleID: '11',
			transactionID: '21',
			type: 'subscription',
			priceAmount: '19.90',
		});
		const upgrade = parse({
			event: 'upgrade',
			shopID: TEST_SHOP_ID,
			saleID: '12',
			transactionID: '22',
			precededBySaleID: '11',
			type: 'upgradesubscription',
		});
		expect(initial.idempotencyKey).toBe(`${TEST_SHOP_ID}:11:initial`);
		expect(upgrade.idempotencyKey).toBe(`${TEST_SHOP_ID}:12:upgrade`);
	});

	test('without a saleID (never a postback: parsePostback refuses it), a sale-opening event is keyed by its fingerprint', () => {
		const { saleID: _saleID, ...noSale } = PURCHASE_POSTBACK;
		const key = idempotencyKeyOf({ shopID: TEST_SHOP_ID, event: 'purchase', params: noSale });
		expect(key).toBe(`${TEST_SHOP_ID}:-:purchase:${expectedFingerprint(noSale)}`);
	});
});

describe('idempotency of every other event', () => {
	test('a byte-identical redelivery has the same key, in any parameter order and either hash', () => {
		const first = parse(cancel);
		const signed = signPostback(TEST_SIGNATURE_KEY, cancel);
		const reordered = parsePostback(buildQueryString(Object.entries(signed).reverse()), config);
		const sha1 = parsePostback(postbackQuery(TEST_SIGNATURE_KEY, cancel, 'sha1'), config);
		expect(first.idempotencyKey).toBe(
			`${TEST_SHOP_ID}:${SALE}:cancel:${expectedFingerprint(cancel)}`,
		);
		for (const again of [reordered, sha1]) expect(again.idempotencyKey).toBe(first.idempotencyKey);
	});

	test('cancel -> uncancel -> cancel by another party: three keys (cancelledBy differs)', () => {
		const [cancel1, uncancelled, cancel2] = [
			cancel,
			uncancel,
			{ ...cancel, cancelledBy: 'merchant' },
		].map(parse);
		expect(new Set([cancel1, uncancelled, cancel2].map((p) => p.idempotencyKey)).size).toBe(3);
	});

	test("the limit (delivery.md §3): a cancel by the same party after an uncancel has the first cancel's key", () => {
		const [cancel1, uncancelled, cancel2] = [cancel, uncancel, cancel].map(parse);
		expect(cancel2.idempotencyKey).toBe(cancel1.idempotencyKey);
		expect(uncancelled.idempotencyKey).not.toBe(cancel1.idempotencyKey);
	});

	test('a rebill replayed after an expiry keeps its own key (its transactionID), distinct from the expiry', () => {
		const rebill = {
			event: 'rebill',
			shopID: TEST_SHOP_ID,
			saleID: SALE,
			transactionID: '55510',
			type: 'subscription',
			amount: '9.95',
			currency: 'USD',
		};
		const expiry = { event: 'expiry', shopID: TEST_SHOP_ID, saleID: SALE, type: 'subscription' };
		const [first, expired, replayed] = [rebill, expiry, rebill].map(parse);
		expect(replayed.idempotencyKey).toBe(first.idempotencyKey);
		expect(expired.idempotencyKey).not.toBe(first.idempotencyKey);
		expect(parse({ ...rebill, transactionID: '55511' }).idempotencyKey).not.toBe(
			first.idempotencyKey,
		);
	});

	test('two extends of one sale with different data have different keys', () => {
		const extend = {
			event: 'extend',
			shopID: TEST_SHOP_ID,
			saleID: SALE,
			type: 'subscription',
			nextChargeOn: '2027-01-26',
		};
		const first = parse(extend);
		const second = parse({ ...extend, nextChargeOn: '2027-02-26' });
		expect(first.transactionID).toBeUndefined();
		expect(second.idempotencyKey).not.toBe(first.idempotencyKey);
		expect(second.idempotencyKey).toBe(
			`${TEST_SHOP_ID}:${SALE}:extend:${expectedFingerprint({ ...extend, nextChargeOn: '2027-02-26' })}`,
		);
	});

	test('two credits with different transactionIDs have different keys', () => {
		const first = parse(CREDIT_POSTBACK);
		const second = parse({ ...CREDIT_POSTBACK, transactionID: '55599' });
		expect(second.idempotencyKey).not.toBe(first.idempotencyKey);
	});

	test('an event without saleID (never a postback: parsePostback refuses it) is keyed with "-"', () => {
		const orphan = { event: 'chargeback', shopID: TEST_SHOP_ID, transactionID: '7', parentID: '6' };
		const key = idempotencyKeyOf({ shopID: TEST_SHOP_ID, event: 'chargeback', params: orphan });
		expect(key).toBe(`${TEST_SHOP_ID}:-:chargeback:${expectedFingerprint(orphan)}`);
	});
});
