import type { IHttpRequestOptions, INodePropertyOptions } from 'n8n-workflow';

import {
	FLEXPAY_CREDENTIAL_TYPE,
	VerotelFlexPayApi,
} from '../../credentials/VerotelFlexPayApi.credentials';
import { TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { referenceSignature } from '../helpers/flexpay-status-server';
import { findSecret } from '../helpers/secret-scan';

const credential = new VerotelFlexPayApi();

type Signed = IHttpRequestOptions & { uri?: string };

async function sign(
	options: Record<string, unknown>,
	credentials = TEST_CREDENTIALS,
): Promise<Signed> {
	return (await credential.authenticate(
		credentials,
		options as unknown as IHttpRequestOptions,
	)) as Signed;
}

describe('VerotelFlexPayApi: description contract', () => {
	it('has the agreed names, icon and documentation URL', () => {
		expect(credential.name).toBe('verotelFlexPayApi');
		expect(credential.displayName).toBe('Verotel FlexPay API');
		expect(credential.icon).toEqual({
			light: 'file:../icons/flexpay.svg',
			dark: 'file:../icons/flexpay.dark.svg',
		});
		expect(credential.documentationUrl).toBe(
			'https://github.com/verotel-flexpay-n8n/n8n-nodes-verotel-flexpay#credentials',
		);
	});

	it("the nodes name it by the constant, which equals the literal n8n's scanner reads", () => {
		expect(FLEXPAY_CREDENTIAL_TYPE).toBe(credential.name);
	});

	it('declares shopId, signatureKey (masked), brand and baseUrl', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(Object.keys(byName)).toEqual(['shopId', 'signatureKey', 'brand', 'baseUrl']);
		expect(byName.shopId).toMatchObject({ type: 'string', required: true });
		expect(byName.shopId.description).toMatch(/Setup Websites/);
		expect(byName.signatureKey).toMatchObject({
			type: 'string',
			required: true,
			typeOptions: { password: true },
		});
		expect(byName.signatureKey.description).toMatch(
			/Setup Websites -> your website -> FlexPay options/,
		);
		expect(byName.baseUrl).toMatchObject({
			type: 'string',
			displayName: 'Custom Base URL',
			default: '',
		});
		expect(byName.baseUrl.required).toBeFalsy();
		expect(byName.brand.default).toBe('verotel');
		const options = byName.brand.options as INodePropertyOptions[];
		expect(options.map((o) => [o.value, o.name])).toEqual([
			['verotel', 'Verotel'],
			['cardbilling', 'CardBilling'],
			['bitsafepay', 'BitsafePay'],
			['bill', 'Bill'],
			['paintfest', 'PaintFest'],
			['gaycharge', 'GayCharge'],
			['yoursafedirect', 'YoursafeDirect'],
		]);
	});

	it('tests the key with a signed status call for a sentinel reference', () => {
		expect(credential.test.request).toMatchObject({ method: 'GET', url: '/salestatus' });
		expect(credential.test.request.qs).toEqual({ referenceID: 'n8n-credential-test' });
		expect(credential.test.rules?.length).toBeGreaterThan(0);
	});
});

describe('VerotelFlexPayApi.authenticate', () => {
	it('signs a baseURL+url request: qs becomes shopID, saleID, version, signature; baseURL is the brand host', async () => {
		const signed = await sign({ method: 'GET', url: '/salestatus', qs: { saleID: '433456' } });
		expect(signed.baseURL).toBe('https://secure.verotel.com');
		expect(signed.url).toBe('/salestatus');
		expect(signed.qs).toEqual({
			saleID: '433456',
			shopID: TEST_SHOP_ID,
			version: '4',
			signature: referenceSignature(TEST_SIGNATURE_KEY, {
				saleID: '433456',
				shopID: TEST_SHOP_ID,
				version: '4',
			}),
		});
	});

	it('signs a lookup by referenceID', async () => {
		const signed = await sign({ url: '/salestatus', qs: { referenceID: 'order 1' } });
		expect(signed.qs).toEqual({
			referenceID: 'order 1',
			shopID: TEST_SHOP_ID,
			version: '4',
			signature: referenceSignature(TEST_SIGNATURE_KEY, {
				referenceID: 'order 1',
				shopID: TEST_SHOP_ID,
				version: '4',
			}),
		});
	});

	it('replaces the whole qs (extra or forged shopID/signature values do not survive)', async () => {
		const signed = await sign({
			url: '/salestatus',
			qs: { saleID: '1', signature: 'forged', version: '3.2', other: 'x' },
		});
		expect(Object.keys(signed.qs ?? {}).sort()).toEqual([
			'saleID',
			'shopID',
			'signature',
			'version',
		]);
		expect(signed.qs?.version).toBe('4');
		expect(signed.qs?.signature).not.toBe('forged');
	});

	it.each([
		['cardbilling', 'https://secure.billing.creditcard'],
		['bitsafepay', 'https://secure.bitsafepay.com'],
		['bill', 'https://secure.bill.creditcard'],
		['paintfest', 'https://secure.paintfestpayments.com'],
		['gaycharge', 'https://secure.gaycharge.com'],
		['yoursafedirect', 'https://secure.yoursafedirect.com'],
	])('uses the host of brand %s', async (brand, host) => {
		const signed = await sign(
			{ url: '/salestatus', qs: { saleID: '1' } },
			{ ...TEST_CREDENTIALS, brand },
		);
		expect(signed.baseURL).toBe(host);
	});

	it('uses the Custom Base URL (trailing slash removed) instead of the brand host', async () => {
		const signed = await sign(
			{ url: '/salestatus', qs: { saleID: '1' } },
			{ ...TEST_CREDENTIALS, baseUrl: 'http://127.0.0.1:9999/proxy/' },
		);
		expect(signed.baseURL).toBe('http://127.0.0.1:9999/proxy');
	});

	it('keeps a baseURL the caller set and an absolute url', async () => {
		expect(
			(await sign({ baseURL: 'https://other.example', url: '/salestatus', qs: { saleID: '1' } }))
				.baseURL,
		).toBe('https://other.example');
		const absolute = await sign({
			url: 'https://secure.bill.creditcard/salestatus',
			qs: { saleID: '1' },
		});
		expect(absolute.url).toBe('https://secure.bill.creditcard/salestatus');
		expect(absolute.baseURL).toBeUndefined();
	});

	it('defaults an empty url to /salestatus', async () => {
		const signed = await sign({ url: '', qs: { saleID: '1' } });
		expect(signed.url).toBe('/salestatus');
		expect(signed.baseURL).toBe('https://secure.verotel.com');
	});

	it('handles the uri form (HTTP Request node): relative uri gets the host, lookup may sit in its query', async () => {
		const relative = await sign({ uri: '/salestatus?saleID=77', qs: {} });
		expect(relative.uri).toBe('https://secure.verotel.com/salestatus');
		expect(relative.qs).toMatchObject({ saleID: '77', shopID: TEST_SHOP_ID, version: '4' });
		const absolute = await sign({
			uri: 'https://secure.gaycharge.com/salestatus',
			qs: { referenceID: 'r-1' },
		});
		expect(absolute.uri).toBe('https://secure.gaycharge.com/salestatus');
		expect(absolute.qs?.signature).toBe(
			referenceSignature(TEST_SIGNATURE_KEY, {
				referenceID: 'r-1',
				shopID: TEST_SHOP_ID,
				version: '4',
			}),
		);
	});

	it('trims a pasted key, as the lib does (same signature as the clean key)', async () => {
		const clean = await sign({ url: '/salestatus', qs: { saleID: '5' } });
		const pasted = await sign(
			{ url: '/salestatus', qs: { saleID: '5' } },
			{ ...TEST_CREDENTIALS, signatureKey: ` ${TEST_SIGNATURE_KEY}\n` },
		);
		expect(pasted.qs?.signature).toBe(clean.qs?.signature);
	});

	it('does not modify the caller’s options and never puts the key into the request', async () => {
		const input = { method: 'GET', url: '/salestatus', qs: { saleID: '9' }, headers: { a: 'b' } };
		const before = JSON.stringify(input);
		const signed = await sign(input);
		expect(JSON.stringify(input)).toBe(before);
		expect(findSecret(signed, TEST_SIGNATURE_KEY)).toEqual([]);
	});

	it.each([
		[{ url: '/salestatus', qs: {} }, /saleID or a referenceID/],
		[{ url: '/salestatus', qs: { saleID: '1', referenceID: 'x' } }, /not both/],
		[{ url: '/salestatus', qs: { saleID: 'abc' } }, /not a numeric Verotel ID/],
	])('refuses an unsignable request %j with a clear message', async (options, message) => {
		await expect(sign(options)).rejects.toThrow(message);
	});

	it('refuses a broken credential with what to fix, never echoing the key', async () => {
		const noShop = sign(
			{ url: '/salestatus', qs: { saleID: '1' } },
			{ ...TEST_CREDENTIALS, shopId: 'shop-1' },
		);
		await expect(noShop).rejects.toThrow(/not a numeric website ID.*Setup Websites/);
		const noKey = sign(
			{ url: '/salestatus', qs: { saleID: '1' } },
			{ ...TEST_CREDENTIALS, signatureKey: '  ' },
		);
		await expect(noKey).rejects.toThrow(/Signature key is empty.*FlexPay options/);
		const badBrand = sign(
			{ url: '/salestatus', qs: { saleID: '1' } },
			{ ...TEST_CREDENTIALS, brand: 'youngcharge' },
		);
		await expect(badBrand).rejects.toThrow(/Invalid brand name/);
		const error = await sign({ url: '/salestatus', qs: { saleID: 'x' } }).catch((e: unknown) => e);
		expect(findSecret(error, TEST_SIGNATURE_KEY)).toEqual([]);
	});
});

describe('VerotelFlexPayApi: credential values are never quoted', () => {
	it.each([
		[
			'the signature key pasted into Shop ID',
			{ shopId: TEST_SIGNATURE_KEY },
			/Shop ID is not a numeric website ID.*Setup Websites/,
		],
		[
			'a Shop ID with the key appended',
			{ shopId: `${TEST_SHOP_ID} ${TEST_SIGNATURE_KEY}` },
			/Shop ID is not a numeric website ID/,
		],
		[
			'the key pasted into Custom Base URL',
			{ baseUrl: TEST_SIGNATURE_KEY },
			/Base URL is not a valid URL/,
		],
		['the key pasted into Brand', { brand: TEST_SIGNATURE_KEY }, /Invalid brand name/],
	])('%s is refused by field name, without the value', async (_label, override, message) => {
		const error = await sign(
			{ url: '/salestatus', qs: { saleID: '1' } },
			{ ...TEST_CREDENTIALS, ...override },
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(message);
		expect(findSecret(error, TEST_SIGNATURE_KEY)).toEqual([]);
	});
});
