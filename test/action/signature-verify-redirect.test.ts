import { createHash } from 'crypto';
import { NodeOperationError, type ICredentialDataDecryptedObject } from 'n8n-workflow';

import { canonicalString } from '../../lib';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { queryPart } from '../../nodes/VerotelFlexPay/resources/signature/verifyRedirect';
import { TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { referenceSignature } from '../helpers/flexpay-status-server';
import { findSecret } from '../helpers/secret-scan';
import { KOTLIN_VALIDATE_PARAMS, OFFICIAL_KEY, PHP_PARAMS } from '../fixtures/vectors';

const node = new VerotelFlexPay();

// Official vectors (flexpay-protocol.md §3.8), shared with the protocol-core tests. Both are
// request-shaped (request fields, no `type` or no `saleID`): their signatures verify
// (test/lib/vectors.test.ts), but Verify Redirect must not take them for a sale.
/** V4 (flexpay4j "validates signature as correct"): all parameters signed, SHA-256. */
const V4_PARAMS = KOTLIN_VALIDATE_PARAMS;
const V4_SIGNATURE = '0df722dd32b8a9f68e3ae4e3f226651eba1397d7928862635ba32674dc7bed6a';
/** V6 (PHP client 5.1.1 FlexPayTest / VerotelFlexPayClientTest): SHA-256 given upper-case, and legacy SHA-1. */
const V6_PARAMS = PHP_PARAMS;
const V6_SHA256_UPPER = 'E50B4E92FCD0A21114D3BF3A64F888EDFBC784DF170E70EE165C4350FE9FFC3C';
const V6_SHA1 = 'fc63f38e2722d2e5bc4f2044ad3ffb2051e89643';

/** A purchase's success redirect as Verotel sends it (protocol reference §6.4), for the official shop. */
const REDIRECT_PARAMS = {
	saleID: '433456',
	shopID: '68849',
	priceAmount: '0.00',
	priceCurrency: 'USD',
	paymentMethod: 'CC',
	type: 'purchase',
	referenceID: 'reference1234',
	custom1: 'My',
};
const REDIRECT_SIGNATURE = referenceSignature(OFFICIAL_KEY, REDIRECT_PARAMS);

const OFFICIAL_CREDENTIALS = {
	shopId: '68849',
	signatureKey: OFFICIAL_KEY,
	brand: 'verotel',
	baseUrl: '',
};

const encode = (params: Record<string, string>) => new URLSearchParams(params).toString();

function verify(
	redirect: unknown,
	options: Record<string, unknown> = {},
	credentials: ICredentialDataDecryptedObject = OFFICIAL_CREDENTIALS,
) {
	const { context } = createExecuteContext({
		credentials,
		parameters: { resource: 'signature', operation: 'verifyRedirect', redirect, options },
	});
	return node.execute.call(context);
}

describe('Signature -> Verify Redirect', () => {
	it('accepts a success redirect given as an object (e.g. {{ $json.query }} of a Webhook node)', async () => {
		const output = await verify({ ...REDIRECT_PARAMS, signature: REDIRECT_SIGNATURE });
		expect(output[0][0].pairedItem).toEqual({ item: 0 });
		const [json] = jsonOf(output);
		expect(json.valid).toBe(true);
		expect(json.sale).toMatchObject({
			event: 'purchase',
			shopID: '68849',
			saleID: '433456',
			amount: 0,
			amountString: '0.00',
			currency: 'USD',
			referenceID: 'reference1234',
			signatureAlgorithm: 'sha256',
			params: REDIRECT_PARAMS,
		});
		expect(json.reason).toBeUndefined();
	});

	it.each([
		['a query string', `${encode(REDIRECT_PARAMS)}&signature=${REDIRECT_SIGNATURE}`],
		['a query string with ?', `?${encode(REDIRECT_PARAMS)}&signature=${REDIRECT_SIGNATURE}`],
		[
			'a full success URL with fragment',
			`https://shop.example/thanks?${encode(REDIRECT_PARAMS)}&signature=${REDIRECT_SIGNATURE}#top`,
		],
		['surrounding whitespace', `  ${encode(REDIRECT_PARAMS)}&signature=${REDIRECT_SIGNATURE}\n`],
		[
			'an upper-case signature',
			{ ...REDIRECT_PARAMS, signature: REDIRECT_SIGNATURE.toUpperCase() },
		],
	])('accepts the same redirect as %s', async (_label, redirect) => {
		const [json] = jsonOf(await verify(redirect));
		expect(json.valid).toBe(true);
		expect((json.sale as { params: unknown }).params).toEqual(REDIRECT_PARAMS);
	});

	it('accepts the legacy SHA-1 signature by default, and not with Accept Legacy SHA-1 Signatures off', async () => {
		const sha1 = createHash('sha1')
			.update(canonicalString(OFFICIAL_KEY, REDIRECT_PARAMS), 'utf8')
			.digest('hex');
		const [accepted] = jsonOf(await verify({ ...REDIRECT_PARAMS, signature: sha1 }));
		expect(accepted).toMatchObject({ valid: true, sale: { signatureAlgorithm: 'sha1' } });
		const [refused] = jsonOf(
			await verify({ ...REDIRECT_PARAMS, signature: sha1 }, { allowSha1: false }),
		);
		expect(refused).toMatchObject({ valid: false, reasonCode: 'SIGNATURE_INVALID' });
	});

	it.each([
		['V4 (request fields, no saleID)', { ...V4_PARAMS, signature: V4_SIGNATURE }, 'saleID'],
		['V6 in upper case (a saleID, no type)', { ...V6_PARAMS, signature: V6_SHA256_UPPER }, 'type'],
		['V6 in legacy SHA-1', { ...V6_PARAMS, signature: V6_SHA1 }, 'type'],
	])(
		'refuses the official vector %s: correctly signed, but not shaped like a redirect',
		async (_label, redirect, field) => {
			const [json] = jsonOf(await verify(redirect));
			expect(json).toMatchObject({ valid: false, reasonCode: 'NOT_A_SALE_MESSAGE' });
			expect(json.reason).toContain(`"${field}"`);
			expect(json.sale).toBeUndefined();
		},
	);

	it.each([
		[
			'a changed amount',
			{ ...REDIRECT_PARAMS, priceAmount: '100.00', signature: REDIRECT_SIGNATURE },
			'SIGNATURE_INVALID',
			/does not match/,
		],
		[
			'an added parameter',
			{ ...REDIRECT_PARAMS, extra: '1', signature: REDIRECT_SIGNATURE },
			'SIGNATURE_INVALID',
			/does not match/,
		],
		['no signature', { ...REDIRECT_PARAMS }, 'SIGNATURE_MISSING', /carries no signature/],
		['an empty object', {}, 'SIGNATURE_MISSING', /carries no signature/],
		[
			'a repeated key (array)',
			{ ...REDIRECT_PARAMS, custom1: ['a', 'b'], signature: REDIRECT_SIGNATURE },
			'MALFORMED_QUERY',
			/more than once/,
		],
	])('outputs valid: false (not an error) for %s', async (_label, redirect, reasonCode, reason) => {
		const output = await verify(redirect);
		expect(output[0]).toHaveLength(1);
		const [json] = jsonOf(output);
		expect(json).toMatchObject({ valid: false, reasonCode });
		expect(json.reason).toMatch(reason);
		expect(typeof json.hint === 'string' || json.hint === undefined).toBe(true);
		expect(json.sale).toBeUndefined();
	});

	it('outputs valid: false for a duplicate key in a raw query string', async () => {
		const [json] = jsonOf(
			await verify(`${encode(REDIRECT_PARAMS)}&shopID=68849&signature=${REDIRECT_SIGNATURE}`),
		);
		expect(json).toMatchObject({ valid: false, reasonCode: 'MALFORMED_QUERY' });
		expect(json.reason).toBe('Parameter "shopID" appears more than once');
	});

	it('quotes no parameter name the buyer chose in the reason (the trigger’s rule)', async () => {
		const chosen = 'visitEvilExampleCom';
		const [json] = jsonOf(await verify(`${encode(REDIRECT_PARAMS)}&${chosen}=1&${chosen}=2`));
		expect(json).toMatchObject({ valid: false, reasonCode: 'MALFORMED_QUERY' });
		expect(json.reason).toBe('Parameter "(a parameter)" appears more than once');
		expect(JSON.stringify(json)).not.toContain(chosen);
	});

	it('outputs valid: false with the received shop for another website’s redirect', async () => {
		const params = { saleID: '5', shopID: '11111', priceAmount: '1.00', type: 'purchase' };
		const redirect = { ...params, signature: referenceSignature(OFFICIAL_KEY, params) };
		const [json] = jsonOf(await verify(redirect));
		expect(json).toMatchObject({
			valid: false,
			reasonCode: 'SHOP_MISMATCH',
			receivedShopID: '11111',
		});
	});

	it('verifies a redirect signed with the credential’s own key (independent SHA-256) and rejects another key', async () => {
		const params = {
			saleID: '77',
			shopID: TEST_SHOP_ID,
			priceAmount: '9.99',
			priceCurrency: 'EUR',
			type: 'purchase',
			referenceID: 'o-1',
		};
		const credentials = TEST_CREDENTIALS;
		const good = { ...params, signature: referenceSignature(TEST_SIGNATURE_KEY, params) };
		const [ok] = jsonOf(await verify(good, {}, credentials));
		expect(ok).toMatchObject({
			valid: true,
			sale: { saleID: '77', amount: 9.99, event: 'purchase', type: 'purchase' },
		});
		const forged = { ...params, signature: referenceSignature('some-other-key', params) };
		const [bad] = jsonOf(await verify(forged, {}, credentials));
		expect(bad).toMatchObject({ valid: false, reasonCode: 'SIGNATURE_INVALID' });
		expect(findSecret([ok, bad], TEST_SIGNATURE_KEY)).toEqual([]);
	});

	it.each([[''], ['   '], [undefined], [null], [42], [['saleID=1']]])(
		'refuses an empty or unusable input %j with a NodeOperationError',
		async (redirect) => {
			const error = (await verify(redirect).catch((e: unknown) => e)) as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe('Redirect Query is empty or not a query');
			expect(error.description).toMatch(/\{\{ \$json\.query \}\}/);
		},
	);

	it('processes each item on its own', async () => {
		const inputs = [
			{ ...REDIRECT_PARAMS, signature: REDIRECT_SIGNATURE },
			{ ...REDIRECT_PARAMS, signature: '00' },
		];
		const { context } = createExecuteContext({
			credentials: OFFICIAL_CREDENTIALS,
			items: inputs.map((query) => ({ json: { query } })),
			parameters: {
				resource: 'signature',
				operation: 'verifyRedirect',
				redirect: (i: number) => inputs[i],
				options: {},
			},
		});
		const output = await node.execute.call(context);
		expect(jsonOf(output).map((j) => j.valid)).toEqual([true, false]);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('queryPart', () => {
	it.each([
		['a=1&b=2', 'a=1&b=2'],
		['?a=1', 'a=1'],
		['https://x.example/p?a=1#f', 'a=1'],
		['https://x.example/p', ''],
		['  a=1  ', 'a=1'],
	])('%j -> %j', (input, expected) => {
		expect(queryPart(input)).toBe(expected);
	});
});
