import {
	buildQueryString,
	computeSignature,
	type FlexPayParams,
	type SignatureAlgorithm,
} from '../../lib';
import { TEST_SHOP_ID } from '../fixtures/flexpay';

/**
 * Signs a postback the way Verotel does: every parameter except `signature`,
 * in the given order on the wire (order never matters to the signature).
 */
export function signPostback(
	key: string,
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
): FlexPayParams {
	return { ...params, signature: computeSignature(key, params, algorithm) };
}

export function postbackQuery(
	key: string,
	params: FlexPayParams,
	algorithm: SignatureAlgorithm = 'sha256',
): string {
	return buildQueryString(Object.entries(signPostback(key, params, algorithm)));
}

export const PURCHASE_POSTBACK: FlexPayParams = {
	shopID: TEST_SHOP_ID,
	saleID: '987654',
	transactionID: '55501',
	referenceID: 'order-42',
	priceAmount: '9.99',
	priceCurrency: 'EUR',
	paymentMethod: 'CC',
	custom1: 'user-7',
	type: 'purchase',
	CCBrand: 'VISA',
	truncatedPAN: 'XXXXXXXXXXXX1111',
};

export const CREDIT_POSTBACK: FlexPayParams = {
	event: 'credit',
	shopID: TEST_SHOP_ID,
	saleID: '987654',
	transactionID: '55502',
	parentID: '55501',
	referenceID: 'order-42',
	priceAmount: '9.99',
	priceCurrency: 'EUR',
	type: 'purchase',
};

export const CHARGEBACK_POSTBACK: FlexPayParams = {
	...CREDIT_POSTBACK,
	event: 'chargeback',
	transactionID: '55503',
};
