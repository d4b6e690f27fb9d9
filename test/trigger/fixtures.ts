/**
 * The postbacks the trigger tests deliver: one parameter set per kind of
 * event, for the shop of test/fixtures/flexpay.ts (TEST_SHOP_ID), and signing
 * them the way Verotel does, with its TEST_SIGNATURE_KEY.
 */
import {
	buildQueryString,
	computeSignature,
	parsePostback,
	type FlexPayParams,
	type SignatureAlgorithm,
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';

export const PURCHASE: FlexPayParams = {
	shopID: TEST_SHOP_ID,
	saleID: '700001',
	transactionID: '900001',
	referenceID: 'order-1001',
	priceAmount: '19.99',
	priceCurrency: 'EUR',
	paymentMethod: 'CC',
	custom1: 'user-42',
	custom2: 'plan gold',
	type: 'purchase',
	CCBrand: 'VISA',
	truncatedPAN: 'XXXXXXXXXXXX4242',
};

/** The success redirect of PURCHASE: the same sale, fewer parameters (no transactionID, CCBrand, truncatedPAN). */
export const PURCHASE_REDIRECT: FlexPayParams = Object.fromEntries(
	Object.entries(PURCHASE).filter(
		([name]) => !['transactionID', 'CCBrand', 'truncatedPAN'].includes(name),
	),
);

export const CREDIT: FlexPayParams = {
	event: 'credit',
	shopID: TEST_SHOP_ID,
	saleID: '700001',
	transactionID: '900002',
	parentID: '900001',
	referenceID: 'order-1001',
	priceAmount: '19.99',
	priceCurrency: 'EUR',
	type: 'purchase',
};

export const CHARGEBACK: FlexPayParams = {
	...CREDIT,
	event: 'chargeback',
	transactionID: '900003',
};

export const REBILL: FlexPayParams = {
	event: 'rebill',
	shopID: TEST_SHOP_ID,
	saleID: '700002',
	transactionID: '900010',
	amount: '9.95',
	currency: 'USD',
	type: 'subscription',
	subscriptionPhase: 'normal',
	subscriptionType: 'recurring',
	nextChargeOn: '2026-01-31',
	paymentMethod: 'CC',
	CCBrand: 'MC',
};

/** Subscription events without transactionID: only the data as a whole tells one from another. */
export const CANCEL: FlexPayParams = {
	event: 'cancel',
	shopID: TEST_SHOP_ID,
	saleID: '700002',
	type: 'subscription',
	cancelledBy: 'user',
	subscriptionPhase: 'normal',
};

export const UNCANCEL: FlexPayParams = {
	event: 'uncancel',
	shopID: TEST_SHOP_ID,
	saleID: '700002',
	type: 'subscription',
	uncancelledBy: 'user',
	subscriptionPhase: 'normal',
};

/** The end of REBILL's subscription. */
export const EXPIRY: FlexPayParams = {
	event: 'expiry',
	shopID: TEST_SHOP_ID,
	saleID: '700002',
	type: 'subscription',
	subscriptionPhase: 'normal',
};

/** Signs like Verotel: every parameter except `signature`. */
export function sign(
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
	key = TEST_SIGNATURE_KEY,
): FlexPayParams {
	return { ...params, signature: computeSignature(key, params, algorithm) };
}

/** PHP-style form encoding, signature last, as Verotel builds its URLs. */
export function signedQuery(
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
	key = TEST_SIGNATURE_KEY,
): string {
	return buildQueryString(Object.entries(sign(params, algorithm, key)));
}

/** The idempotencyKey the protocol core computes for these parameters. */
export function idempotencyKeyFor(params: FlexPayParams): string {
	return parsePostback(signedQuery(params), {
		shopId: TEST_SHOP_ID,
		signatureKey: TEST_SIGNATURE_KEY,
	}).idempotencyKey;
}
