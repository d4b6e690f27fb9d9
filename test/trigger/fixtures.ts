/**
 * The postbacks the trigger tests deliver, and the shop they belong to: the
 * credential (KEY, SHOP, CREDENTIALS), one parameter set per kind of event,
 * and signing them the way Verotel does.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	buildQueryString,
	computeSignature,
	parsePostback,
	type FlexPayParams,
	type SignatureAlgorithm,
} from '../../lib';

/** Distinctive, so any leak is found by a plain substring search. */
export const KEY = ['LEAKCANARY', 'trig9Qx7', 'Zk2mVw8PpR'].join('');
export const SHOP = '654321';
export const CREDENTIALS: ICredentialDataDecryptedObject = {
	shopId: SHOP,
	signatureKey: KEY,
	brand: 'verotel',
	baseUrl: '',
};

export const PURCHASE: FlexPayParams = {
	shopID: SHOP,
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
	shopID: SHOP,
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
	shopID: SHOP,
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
	shopID: SHOP,
	saleID: '700002',
	type: 'subscription',
	cancelledBy: 'user',
	subscriptionPhase: 'normal',
};

export const UNCANCEL: FlexPayParams = {
	event: 'uncancel',
	shopID: SHOP,
	saleID: '700002',
	type: 'subscription',
	uncancelledBy: 'user',
	subscriptionPhase: 'normal',
};

/** The end of REBILL's subscription. */
export const EXPIRY: FlexPayParams = {
	event: 'expiry',
	shopID: SHOP,
	saleID: '700002',
	type: 'subscription',
	subscriptionPhase: 'normal',
};

/** Signs like Verotel: every parameter except `signature`. */
export function sign(
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
	key = KEY,
): FlexPayParams {
	return { ...params, signature: computeSignature(key, params, algorithm) };
}

/** PHP-style form encoding, signature last, as Verotel builds its URLs. */
export function signedQuery(
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
	key = KEY,
): string {
	return buildQueryString(Object.entries(sign(params, algorithm, key)));
}

/** The idempotencyKey the protocol core computes for these parameters. */
export function idempotencyKeyFor(params: FlexPayParams): string {
	return parsePostback(signedQuery(params), { shopId: SHOP, signatureKey: KEY }).idempotencyKey;
}
