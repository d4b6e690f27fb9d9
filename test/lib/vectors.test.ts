import {
	buildPurchaseUrl,
	buildSignedRequest,
	buildSubscriptionRequest,
	buildUpgradeSubscriptionUrl,
	canonicalString,
	computeSignature,
	signRequest,
	verifySignature,
} from '../../lib';
import {
	GITBOOK_KEY,
	KOTLIN_VALIDATE_PARAMS,
	OFFICIAL_KEY,
	PHP_PARAMS,
	TEST_DESCRIPTION,
	V2_PURCHASE,
} from '../fixtures/vectors';

const ENCODED_DESCRIPTION =
	'My+D%C5%A1%C4%8D%C5%99%C4%8D%C5%99%C5%99%C4%9B%C5%99%C4%9B%26%3F%3Dblah123';

describe('official vectors, byte for byte', () => {
	test('V1: GitBook v3.2 worked example (SHA-1), canonical string, signature and URL', () => {
		const params = {
			custom1: 'xxyyzz',
			description: 'Super video download',
			priceAmount: '9.99',
			priceCurrency: 'USD',
			shopID: '64233',
			type: 'purchase',
			version: '3.2',
		};
		expect(canonicalString(GITBOOK_KEY, params)).toBe(
			`${GITBOOK_KEY}:custom1=xxyyzz:description=Super video download:priceAmount=9.99:priceCurrency=USD:shopID=64233:type=purchase:version=3.2`,
		);
		expect(computeSignature(GITBOOK_KEY, params, 'sha1')).toBe(
			'3f27723dc11c49dbd01706410f44e6eeff9e8ebf',
		);
		const { url } = buildSignedRequest(
			{ shopId: 64233, signatureKey: GITBOOK_KEY },
			'/startorder',
			{
				custom1: 'xxyyzz',
				description: 'Super video download',
				priceAmount: '9.99',
				priceCurrency: 'USD',
				type: 'purchase',
			},
			{ version: '3.2', algorithm: 'sha1' },
		);
		expect(url).toBe(
			'https://secure.verotel.com/startorder?custom1=xxyyzz&description=Super+video+download&priceAmount=9.99&priceCurrency=USD&shopID=64233&type=purchase&version=3.2&signature=3f27723dc11c49dbd01706410f44e6eeff9e8ebf',
		);
	});

	test('V2: flexpay4j purchase URL (protocol 4, SHA-256), email sent unsigned', () => {
		const url = buildPurchaseUrl(
			{ shopId: V2_PURCHASE.shopID, signatureKey: OFFICIAL_KEY },
			V2_PURCHASE.fields,
		);
		expect(url).toBe(V2_PURCHASE.url);
		expect(V2_PURCHASE.url).toContain(`&description=${ENCODED_DESCRIPTION}&`);
	});

	test('V2: canonical string as printed in the reference', () => {
		// Everything but `email`, which the protocol sends unsigned.
		const { email: _unsigned, ...fields } = V2_PURCHASE.fields;
		const signed = { ...fields, shopID: V2_PURCHASE.shopID, type: 'purchase', version: '4' };
		expect(canonicalString(OFFICIAL_KEY, signed)).toBe(
			`${OFFICIAL_KEY}:custom1=custom1:custom2=custom2:custom3=custom3:declineURL=http://example.com/decline:description=My Dščřčřřěřě&?=blah123:paymentMethod=CC:priceAmount=45.20:priceCurrency=EUR:referenceID=ref1:shopID=60678:successURL=http://example.com/approve:type=purchase:version=4`,
		);
	});

	test('V3: flexpay4j upgrade-subscription URL; amount "00.00" renders as 0.00', () => {
		const url = buildUpgradeSubscriptionUrl(
			{ shopId: 60678, signatureKey: OFFICIAL_KEY },
			{
				custom1: 'custom1 value',
				name: TEST_DESCRIPTION,
				period: 'P1M',
				precedingSaleID: '433456',
				priceAmount: '00.00',
				priceCurrency: 'USD',
				subscriptionType: 'recurring',
				successURL: 'http://successURL.test',
				trialAmount: '0.01',
				trialPeriod: 'P3D',
			},
		);
		expect(url).toBe(
			`https://secure.verotel.com/startorder?custom1=custom1+value&name=${ENCODED_DESCRIPTION}&period=P1M&precedingSaleID=433456&priceAmount=0.00&priceCurrency=USD&shopID=60678&subscriptionType=recurring&successURL=http%3A%2F%2FsuccessURL.test&trialAmount=0.01&trialPeriod=P3D&type=upgradesubscription&version=4&signature=cc4da94d214a4eb64a3f7affa3c39d168a9163c020f9caacca9bfd7498e33abc`,
		);
	});

	test('V4: flexpay4j verification over all parameters', () => {
		const signature = '0df722dd32b8a9f68e3ae4e3f226651eba1397d7928862635ba32674dc7bed6a';
		expect(verifySignature(OFFICIAL_KEY, { ...KOTLIN_VALIDATE_PARAMS, signature })).toBe(true);
		expect(
			verifySignature(OFFICIAL_KEY, {
				...KOTLIN_VALIDATE_PARAMS,
				signature: signature.replace(/^0/, '1'),
			}),
		).toBe(false);
	});

	test('V5: flexpay4j request signature applies the whitelist (saleID signed, blah not)', () => {
		expect(
			signRequest(OFFICIAL_KEY, { ...KOTLIN_VALIDATE_PARAMS, saleID: '433456', blah: 'something' }),
		).toBe('1a790e1ebf654b9a38884a5c9a867a7e57134f103a1c9c8d9854da794a839d03');
	});

	test('V6: PHP get_signature (whitelist) and validate_signature (all params, upper-case hex)', () => {
		expect(signRequest(OFFICIAL_KEY, PHP_PARAMS)).toBe(
			'ff5cf9bcc0497c8cb40087065e5016dcfbe2efd23327f6c67614fa23537c24b2',
		);
		expect(
			verifySignature(OFFICIAL_KEY, {
				...PHP_PARAMS,
				signature: 'E50B4E92FCD0A21114D3BF3A64F888EDFBC784DF170E70EE165C4350FE9FFC3C',
			}),
		).toBe(true);
	});

	test('V6: legacy SHA-1 accepted by default, with shopID injected from the configuration', () => {
		const { shopID, ...withoutShop } = PHP_PARAMS;
		const legacy = { ...withoutShop, signature: 'fc63f38e2722d2e5bc4f2044ad3ffb2051e89643' };
		expect(verifySignature(OFFICIAL_KEY, legacy, { shopId: shopID })).toBe(true);
		expect(verifySignature(OFFICIAL_KEY, legacy, { shopId: shopID, allowSha1: false })).toBe(false);
		expect(verifySignature(OFFICIAL_KEY, legacy)).toBe(false);
	});

	test('V6: literal purchase URL with unsigned extra "blah"', () => {
		const { shopID, ...rest } = PHP_PARAMS;
		const { priceAmount, priceCurrency, description, ...extras } = rest;
		const url = buildPurchaseUrl(
			{ shopId: shopID, signatureKey: OFFICIAL_KEY },
			{ priceAmount, priceCurrency, description, ...extras },
		);
		expect(url).toBe(
			`https://secure.verotel.com/startorder?blah=something&cancelDiscountPercentage=30&custom1=My&declineURL=http%3A%2F%2FdeclineURL.test&description=${ENCODED_DESCRIPTION}&name=My+name&period=P1M&priceAmount=0.00&priceCurrency=USD&referenceID=reference1234&saleID=433456&shopID=68849&subscriptionType=RECURRING&successURL=http%3A%2F%2FbackURL.test&trialAmount=0.01&trialPeriod=P3D&type=purchase&version=4&signature=7dc7b530585b5895bf56840297a8634ec2d689050e6e812e725e8d36a80cfef3`,
		);
	});

	test('V6: subscription, upgrade, status and cancel signatures', () => {
		const { shopID, priceAmount, priceCurrency, period, subscriptionType, ...rest } = PHP_PARAMS;
		const subscription = buildSubscriptionRequest(
			{ shopId: shopID, signatureKey: OFFICIAL_KEY },
			{ priceAmount, priceCurrency, period, subscriptionType, ...rest },
		);
		expect(subscription.params.signature).toBe(
			'6d92e2ad63e8adcf7aa12b254ef5817a8a4fc38d1b5ac84e15a88fa458e47866',
		);
		expect(
			signRequest(OFFICIAL_KEY, { ...PHP_PARAMS, type: 'upgradesubscription', version: '4' }),
		).toBe('7346e94abe0b63fd08396728da7cc8d1947adfc6d1c14c01720509190c96dc13');
		expect(signRequest(OFFICIAL_KEY, { ...PHP_PARAMS, version: '4' })).toBe(
			'52da73f96d0e70ee1be13183ca3a6a7c0459165d53dab1b52ae20f442ccc4f55',
		);
	});

	test('V7: historical protocol 3.2 (SHA-1) signatures and literal purchase URL', () => {
		const { successURL, declineURL, ...withoutUrls } = PHP_PARAMS;
		expect([successURL, declineURL]).toHaveLength(2);
		const params: Record<string, string> = { ...withoutUrls, version: '3.2' };
		expect(signRequest(OFFICIAL_KEY, params, 'sha1')).toBe(
			'2e2ab2017f2f649e79a35fa065e89658407a8f69',
		);
		expect(computeSignature(OFFICIAL_KEY, params, 'sha1')).toBe(
			'9c6abde0e9172cb9acd802183a500c7796f48492',
		);
		expect(signRequest(OFFICIAL_KEY, { ...params, type: 'subscription' }, 'sha1')).toBe(
			'6f6353084a4cd194730470186ad9696c98328800',
		);
		const { shopID, version, ...input } = params;
		expect(version).toBe('3.2');
		const { url } = buildSignedRequest(
			{ shopId: shopID, signatureKey: OFFICIAL_KEY },
			'/startorder',
			{ ...input, type: 'purchase' },
			{ version: '3.2', algorithm: 'sha1' },
		);
		expect(url).toBe(
			`https://secure.verotel.com/startorder?blah=something&cancelDiscountPercentage=30&custom1=My&description=${ENCODED_DESCRIPTION}&name=My+name&period=P1M&priceAmount=0.00&priceCurrency=USD&referenceID=reference1234&saleID=433456&shopID=68849&subscriptionType=RECURRING&trialAmount=0.01&trialPeriod=P3D&type=purchase&version=3.2&signature=bbe653e328d8a4234b45321b98cb2d9581dfa078`,
		);
	});

	test('V6: BitsafePay variant differs only in host', () => {
		const { shopID, priceAmount, priceCurrency, description, ...extras } = PHP_PARAMS;
		const verotel = buildPurchaseUrl(
			{ shopId: shopID, signatureKey: OFFICIAL_KEY },
			{ priceAmount, priceCurrency, description, ...extras },
		);
		const bitsafe = buildPurchaseUrl(
			{ shopId: shopID, signatureKey: OFFICIAL_KEY, brand: 'bitsafepay' },
			{ priceAmount, priceCurrency, description, ...extras },
		);
		expect(bitsafe).toBe(
			verotel.replace('https://secure.verotel.com/', 'https://secure.bitsafepay.com/'),
		);
	});

	test('sort-order trap: CCBrand sorts before amount (byte order), a case-insensitive sort gives another hash', () => {
		const params = { amount: '9.99', CCBrand: 'VISA', currency: 'EUR' };
		expect(canonicalString('k', params)).toBe('k:CCBrand=VISA:amount=9.99:currency=EUR');
		const caseInsensitive = 'k:amount=9.99:CCBrand=VISA:currency=EUR';
		const { createHash } = jest.requireActual<typeof import('crypto')>('crypto');
		expect(computeSignature('k', params)).not.toBe(
			createHash('sha256').update(caseInsensitive).digest('hex'),
		);
		expect(computeSignature('k', params)).toBe(
			createHash('sha256').update('k:CCBrand=VISA:amount=9.99:currency=EUR').digest('hex'),
		);
	});
});
