/**
 * The other side of the rule: every message shaped like Verotel's own must
 * still run, or the merchant loses sales (a card sale without OK is refunded).
 * One postback per event, with the fields each event is known to carry
 * (protocol reference §6.2-6.4), two success redirects, and what the
 * simulator sends when it stands in for Verotel (buildSamplePostback with
 * test: false). Each runs exactly once through the trigger, with its event and
 * without `test`, and verifies in Verify Redirect. Fails if the rule becomes
 * too strict (e.g. a field required that some event lacks).
 */
import { buildSamplePostback, POSTBACK_EVENTS, type FlexPayParams } from '../../lib';
import { TEST_SHOP_ID } from '../fixtures/flexpay';
import { expectHandedToN8n } from '../trigger/webhook-answers';
import {
	CANCEL,
	CHARGEBACK,
	CREDIT,
	PURCHASE,
	PURCHASE_REDIRECT,
	REBILL,
	UNCANCEL,
	sign,
} from '../trigger/fixtures';
import { forgetTriggerState, itemOf } from '../trigger/webhook-harness';
import { CONFIG, deliver, toQuery, verifyRedirect, type Mode, type Transport } from './support';

beforeEach(forgetTriggerState);

const SUBSCRIPTION_BASE = {
	shopID: TEST_SHOP_ID,
	type: 'subscription',
	subscriptionType: 'recurring',
	paymentMethod: 'CC',
};

const INITIAL: FlexPayParams = {
	...SUBSCRIPTION_BASE,
	event: 'initial',
	saleID: '700010',
	transactionID: '900020',
	referenceID: 'sub-2001',
	priceAmount: '9.95',
	priceCurrency: 'USD',
	period: 'P30D',
	nextChargeOn: '2026-02-01',
	CCBrand: 'VISA',
	truncatedPAN: 'XXXXXXXXXXXX1111',
	custom1: 'user-42',
};
/** One-time subscription: expiresOn instead of nextChargeOn (community initial fixture). */
const { nextChargeOn: _nextChargeOn, ...INITIAL_WITHOUT_NEXT_CHARGE } = INITIAL;
const INITIAL_ONE_TIME: FlexPayParams = {
	...INITIAL_WITHOUT_NEXT_CHARGE,
	saleID: '700013',
	transactionID: '900023',
	subscriptionType: 'one-time',
	period: 'P1M',
	expiresOn: '2026-03-01',
};
const EXTEND: FlexPayParams = {
	...SUBSCRIPTION_BASE,
	event: 'extend',
	saleID: '700010',
	transactionID: '900021',
	priceAmount: '9.95',
	priceCurrency: 'USD',
	period: 'P30D',
	expiresOn: '2026-04-01',
};
const UPGRADE: FlexPayParams = {
	...SUBSCRIPTION_BASE,
	event: 'upgrade',
	saleID: '700011',
	precededBySaleID: '700010',
	transactionID: '900022',
	priceAmount: '19.95',
	priceCurrency: 'USD',
	period: 'P30D',
	nextChargeOn: '2026-02-15',
};
const UPGRADE_TYPED: FlexPayParams = {
	...UPGRADE,
	saleID: '700014',
	transactionID: '900024',
	type: 'upgradesubscription',
};
const DOWNGRADE: FlexPayParams = {
	...SUBSCRIPTION_BASE,
	event: 'downgrade',
	saleID: '700011',
	priceAmount: '4.95',
	priceCurrency: 'USD',
	period: 'P30D',
	nextChargeOn: '2026-03-15',
};
const EXPIRY: FlexPayParams = {
	...SUBSCRIPTION_BASE,
	event: 'expiry',
	saleID: '700010',
	subscriptionPhase: 'terminated',
};
const SUBSCRIPTION_CREDIT: FlexPayParams = {
	...SUBSCRIPTION_BASE,
	event: 'credit',
	saleID: '700010',
	transactionID: '900030',
	parentID: '900020',
	priceAmount: '9.95',
	priceCurrency: 'USD',
	subscriptionPhase: 'normal',
};
const SUBSCRIPTION_CHARGEBACK: FlexPayParams = {
	...SUBSCRIPTION_CREDIT,
	event: 'chargeback',
	transactionID: '900031',
};
/** A subscription's success redirect, shaped like the community fixture (protocol reference §6.4). */
const SUBSCRIPTION_REDIRECT: FlexPayParams = {
	event: 'initial',
	nextChargeOn: '2026-02-01',
	paymentMethod: 'CC',
	period: 'P1M',
	priceAmount: '12.31',
	priceCurrency: 'EUR',
	saleID: '700012',
	shopID: TEST_SHOP_ID,
	subscriptionType: 'recurring',
	type: 'subscription',
};

/** [label, parameters, the event the item must carry] */
const MESSAGES: Array<[string, FlexPayParams, string]> = [
	['purchase postback with card fields (CCBrand, truncatedPAN)', PURCHASE, 'purchase'],
	['initial subscription postback', INITIAL, 'initial'],
	['initial one-time subscription postback (expiresOn)', INITIAL_ONE_TIME, 'initial'],
	['rebill postback (amount, currency, nextChargeOn)', REBILL, 'rebill'],
	['extend postback', EXTEND, 'extend'],
	['upgrade postback (precededBySaleID)', UPGRADE, 'upgrade'],
	['upgrade postback with type=upgradesubscription', UPGRADE_TYPED, 'upgrade'],
	['downgrade postback', DOWNGRADE, 'downgrade'],
	['cancel postback (cancelledBy)', CANCEL, 'cancel'],
	['uncancel postback (uncancelledBy)', UNCANCEL, 'uncancel'],
	['expiry postback', EXPIRY, 'expiry'],
	['credit postback of a purchase (parentID)', CREDIT, 'credit'],
	['chargeback postback of a purchase (parentID)', CHARGEBACK, 'chargeback'],
	['credit postback of a subscription', SUBSCRIPTION_CREDIT, 'credit'],
	['chargeback postback of a subscription', SUBSCRIPTION_CHARGEBACK, 'chargeback'],
	['purchase success redirect', PURCHASE_REDIRECT, 'purchase'],
	['subscription success redirect (community fixture shape)', SUBSCRIPTION_REDIRECT, 'initial'],
	// What the simulator and the demo order page send when they stand in for Verotel.
	...POSTBACK_EVENTS.map((event, i): [string, FlexPayParams, string] => {
		let id = 3000 + 10 * i;
		const sample = buildSamplePostback(
			CONFIG,
			{ event, test: false, custom1: 'user-7' },
			(digits) => String(10 ** (digits - 1) + id++),
		);
		const { signature: _signature, ...params } = sample.params;
		return [`simulator postback standing in for Verotel: ${event}`, params, event];
	}),
];

test('the catalogue covers every event, both redirects and both signature algorithms', () => {
	const events = new Set(MESSAGES.map(([, , event]) => event));
	for (const event of POSTBACK_EVENTS) expect(events.has(event)).toBe(true);
	expect(MESSAGES.filter(([label]) => label.includes('redirect'))).toHaveLength(2);
});

const ROUTES: Array<[Transport, Mode]> = [
	['GET', 'webhook'],
	['POST', 'webhook'],
	['GET', 'manual'],
];

describe.each(MESSAGES)('%s', (_label, params, event) => {
	test.each([['sha256'], ['sha1']] as const)(
		'runs once through the trigger with its event (%s)',
		async (algorithm) => {
			for (const [transport, mode] of ROUTES) {
				const { h, result } = await deliver(toQuery(sign(params, algorithm)), transport, mode);
				const item = itemOf(result);
				expectHandedToN8n(h);
				expect(item).toMatchObject({
					event,
					shopID: TEST_SHOP_ID,
					saleID: params.saleID,
					signatureAlgorithm: algorithm,
					params,
				});
				expect(item.test).toBeUndefined();
				expect(h.logs.filter((line) => line.level === 'error' || line.level === 'warn')).toEqual(
					[],
				);
			}
		},
	);

	test('verifies in Verify Redirect (query, URL and object), with its event and parameters', async () => {
		const signed = sign(params);
		for (const input of [
			toQuery(signed),
			`https://shop.example/thanks?${toQuery(signed)}`,
			{ ...signed },
		]) {
			const json = await verifyRedirect(input);
			expect(json).toMatchObject({
				valid: true,
				sale: { event, saleID: params.saleID, shopID: TEST_SHOP_ID, params },
			});
			expect(json.reasonCode).toBeUndefined();
		}
	});
});
