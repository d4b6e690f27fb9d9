/**
 * Cross-protocol: the merchant signs payment links, cancel links and status
 * requests with the key Verotel signs its postbacks with. Whoever holds one of
 * those (a buyer holds his own payment link before he pays) must not be able
 * to pass it off as a sale, neither to the trigger (production or test URL,
 * GET query or POST form body) nor to Verify Redirect. Every request builder
 * of lib, minimal and with every optional field, under every legacy protocol
 * version, and the official vectors as complete signed sets.
 */
import { computeSignature, pickSignedRequestParams, type FlexPayParams } from '../../lib';
import {
	GITBOOK_KEY,
	KOTLIN_VALIDATE_PARAMS,
	OFFICIAL_KEY,
	PHP_PARAMS,
	V2_PURCHASE,
} from '../fixtures/vectors';
import type { Harness } from '../trigger/webhook-harness';
import { forgetTriggerState } from '../trigger/webhook-harness';
import {
	deliver,
	expectNoValuesLogged,
	foldVersion,
	requestCases,
	signedOnly,
	toQuery,
	unsignedNames,
	verifyRedirect,
	withUpperSignature,
	type Mode,
	type Transport,
} from './support';

beforeEach(forgetTriggerState);

const TRANSPORTS: Transport[] = ['GET', 'POST'];
const MODES: Mode[] = ['webhook', 'manual'];

/** How the trigger and Verify Redirect must refuse one shape of a signed request. */
interface Expected {
	status: 400 | 401 | 403;
	code: 'NOT_A_SALE_MESSAGE' | 'SIGNATURE_INVALID' | 'MALFORMED_QUERY';
	/** The field the refusal names, for NOT_A_SALE_MESSAGE. */
	field?: 'version' | 'saleID' | 'type';
}

interface Shape extends Expected {
	name: string;
	params: FlexPayParams;
}

const NOT_A_SALE = (field: Expected['field'] = 'version'): Expected => ({
	status: 403,
	code: 'NOT_A_SALE_MESSAGE',
	field,
});
/** As the buyer got it: its signed part verifies with the key, so it is named a request, not a bad signature. */
const UNSIGNED_ADDED: Expected = { status: 403, code: 'NOT_A_SALE_MESSAGE', field: 'version' };
const FOLDED: Expected = { status: 400, code: 'MALFORMED_QUERY' };

/** The shapes a holder of the request can send: as built, without unsigned fields, folded, upper-case signature. */
function shapesOf(params: FlexPayParams): Shape[] {
	const signed = signedOnly(params);
	const shapes: Shape[] = [
		{ name: 'its signed parameters', params: signed, ...NOT_A_SALE() },
		{
			name: 'its signed parameters, signature in upper case',
			params: withUpperSignature(signed),
			...NOT_A_SALE(),
		},
		{ name: 'version folded into the value before it', params: foldVersion(signed), ...FOLDED },
	];
	// With the unsigned fields the buyer received (email, oneClickToken, extras) too.
	if (unsignedNames(params).length > 0)
		shapes.push({ name: 'as built, unsigned fields included', params, ...UNSIGNED_ADDED });
	return shapes;
}

/** No run, no OK, the expected status and one log line at the expected level that quotes no value. */
function expectRefusedByTrigger(
	h: Harness,
	result: object,
	shape: Expected,
	sent: FlexPayParams,
	where: string,
): void {
	const context = `${where}: status ${h.res.statusCode}, body ${JSON.stringify(h.res.body)}`;
	expect({ context, result }).toEqual({ context, result: { noWebhookResponse: true } });
	expect({ context, status: h.res.statusCode }).toEqual({ context, status: shape.status });
	expect(h.res.body).not.toBe('OK');
	expect(h.res.sendCount).toBe(1);
	expect(h.logs).toHaveLength(1);
	const [line] = h.logs;
	expect(line.meta).toMatchObject({ statusCode: shape.status, code: shape.code });
	if (shape.code === 'NOT_A_SALE_MESSAGE') {
		expect(h.res.body).toBe('Forbidden: not a Verotel postback');
		expect(line.level).toBe('error');
		expect(line.message).toMatch(
			/they look like a (payment link, cancel link or status request|request) signed with the key/,
		);
		expect(line.message).toContain(`"${shape.field}"`);
		expect(line.message).toMatch(/Nothing ran/);
	} else if (shape.code === 'SIGNATURE_INVALID') {
		expect(h.res.body).toBe('Unauthorized');
		expect(line.level).toBe('warn');
	} else {
		expect(h.res.body).toMatch(/^Bad Request: /);
		expect(line.level).toBe('warn');
		expect(line.message).toMatch(/malformed postback \(400\)/);
	}
	expectNoValuesLogged(h.logs, sent);
}

/** Verify Redirect on the set as a query string, as the full link and as an object: valid false, the expected code. */
async function expectRefusedByVerifyRedirect(
	params: FlexPayParams,
	shape: Expected,
	path: string,
	credentials?: Record<string, string>,
): Promise<void> {
	const query = toQuery(params);
	for (const input of [query, `https://secure.verotel.com${path}?${query}`, { ...params }]) {
		const json = await verifyRedirect(input, {}, credentials);
		const form = typeof input === 'string' ? input.slice(0, 30) : 'object';
		expect({ form, json }).toEqual({
			form,
			json: expect.objectContaining({ valid: false, reasonCode: shape.code }),
		});
		expect(json.sale).toBeUndefined();
		if (shape.field !== undefined) expect(json.reason).toContain(`"${shape.field}"`);
	}
}

const CASES = requestCases();

describe('every signed request the pack builds is refused as a sale', () => {
	test('the catalogue covers every builder, with and without unsigned fields and under every legacy version', () => {
		const labels = CASES.map((c) => c.label);
		for (const builder of [
			'purchase link',
			'subscription link',
			'upgrade link',
			'cancel-subscription link',
			'status request by saleID',
			'status request by referenceID',
			'generic signed request',
		]) {
			expect(labels.some((label) => label.startsWith(builder))).toBe(true);
		}
		expect(
			labels.filter((label) => / version [\d.]+ \(sha1\)$/.test(label)).length,
		).toBeGreaterThanOrEqual(3 * 13);
		// The most dangerous raw material is there: a signed saleID with a signed type.
		expect(
			CASES.filter((c) => c.params.saleID !== undefined && c.params.type !== undefined).length,
		).toBeGreaterThanOrEqual(5);
		expect(
			CASES.filter((c) => unsignedNames(c.params).includes('email')).length,
		).toBeGreaterThanOrEqual(4);
		expect(
			CASES.filter((c) => unsignedNames(c.params).includes('oneClickToken')).length,
		).toBeGreaterThanOrEqual(1);
		for (const c of CASES) expect(c.params.version).toBeDefined();
	});

	describe.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, request) => {
		const shapes = shapesOf(request.params);

		test('to the trigger (production and test URL, GET and POST): no run, no OK, one log line without values', async () => {
			for (const shape of shapes) {
				for (const transport of TRANSPORTS) {
					for (const mode of MODES) {
						const { h, result } = await deliver(toQuery(shape.params), transport, mode);
						expectRefusedByTrigger(
							h,
							result,
							shape,
							shape.params,
							`${shape.name}, ${transport}, ${mode}`,
						);
					}
				}
			}
		});

		test('to Verify Redirect: valid false with the reason code of its shape', async () => {
			for (const shape of shapes)
				await expectRefusedByVerifyRedirect(shape.params, shape, request.path);
		});
	});
});

/**
 * The official vectors (protocol reference §3.8, test/fixtures/vectors.ts) as
 * complete signed sets with their published signatures, each under the key and
 * shop it was made with.
 */
describe('the official vectors, as complete signed sets, are refused as sales', () => {
	const official = (shopId: string) => ({
		shopId,
		signatureKey: OFFICIAL_KEY,
		brand: 'verotel',
		baseUrl: '',
	});
	const { blah: _unsigned, ...PHP_SIGNED } = PHP_PARAMS;
	const phpWhitelisted = pickSignedRequestParams(PHP_PARAMS);
	const { successURL: _s, declineURL: _d, ...V7_BASE } = PHP_PARAMS;
	const v7Whitelisted = pickSignedRequestParams({ ...V7_BASE, version: '3.2' });
	const v2Signed: FlexPayParams = (() => {
		const { email: _email, ...fields } = V2_PURCHASE.fields;
		return {
			...fields,
			shopID: V2_PURCHASE.shopID,
			type: 'purchase',
			version: '4',
			signature: V2_PURCHASE.signature,
		};
	})();
	const queryOf = (url: string) => url.slice(url.indexOf('?') + 1);

	const VECTORS: Array<[string, string, Record<string, string>, FlexPayParams, Expected]> = [
		[
			'V1 GitBook worked example (SHA-1, version 3.2)',
			'/startorder',
			{ shopId: '64233', signatureKey: GITBOOK_KEY, brand: 'verotel', baseUrl: '' },
			{
				custom1: 'xxyyzz',
				description: 'Super video download',
				priceAmount: '9.99',
				priceCurrency: 'USD',
				shopID: '64233',
				type: 'purchase',
				version: '3.2',
				signature: '3f27723dc11c49dbd01706410f44e6eeff9e8ebf',
			},
			NOT_A_SALE('version'),
		],
		[
			'V2 flexpay4j purchase link without its unsigned email',
			'/startorder',
			official('60678'),
			v2Signed,
			NOT_A_SALE('version'),
		],
		[
			'V2 flexpay4j purchase link as published (email unsigned)',
			'/startorder',
			official('60678'),
			Object.fromEntries(new URLSearchParams(queryOf(V2_PURCHASE.url))),
			UNSIGNED_ADDED,
		],
		[
			'V3 flexpay4j upgrade link as published',
			'/startorder',
			official('60678'),
			Object.fromEntries(
				new URLSearchParams(
					'custom1=custom1+value&name=My+D%C5%A1%C4%8D%C5%99%C4%8D%C5%99%C5%99%C4%9B%C5%99%C4%9B%26%3F%3Dblah123&period=P1M&precedingSaleID=433456&priceAmount=0.00&priceCurrency=USD&shopID=60678&subscriptionType=recurring&successURL=http%3A%2F%2FsuccessURL.test&trialAmount=0.01&trialPeriod=P3D&type=upgradesubscription&version=4&signature=cc4da94d214a4eb64a3f7affa3c39d168a9163c020f9caacca9bfd7498e33abc',
				),
			),
			NOT_A_SALE('version'),
		],
		[
			'V4 flexpay4j validation set (no saleID)',
			'/startorder',
			official('68849'),
			{
				...KOTLIN_VALIDATE_PARAMS,
				signature: '0df722dd32b8a9f68e3ae4e3f226651eba1397d7928862635ba32674dc7bed6a',
			},
			NOT_A_SALE('saleID'),
		],
		[
			'V5 flexpay4j whitelist signature (saleID, no type)',
			'/startorder',
			official('68849'),
			{
				...KOTLIN_VALIDATE_PARAMS,
				saleID: '433456',
				signature: '1a790e1ebf654b9a38884a5c9a867a7e57134f103a1c9c8d9854da794a839d03',
			},
			NOT_A_SALE('type'),
		],
		[
			'V6 PHP validate_signature set, upper-case SHA-256',
			'/startorder',
			official('68849'),
			{
				...PHP_PARAMS,
				signature: 'E50B4E92FCD0A21114D3BF3A64F888EDFBC784DF170E70EE165C4350FE9FFC3C',
			},
			NOT_A_SALE('type'),
		],
		[
			'V6 PHP validate_signature set, legacy SHA-1',
			'/startorder',
			official('68849'),
			{ ...PHP_PARAMS, signature: 'fc63f38e2722d2e5bc4f2044ad3ffb2051e89643' },
			NOT_A_SALE('type'),
		],
		[
			'V6 PHP get_signature (whitelist, no version)',
			'/startorder',
			official('68849'),
			{
				...PHP_SIGNED,
				signature: 'ff5cf9bcc0497c8cb40087065e5016dcfbe2efd23327f6c67614fa23537c24b2',
			},
			NOT_A_SALE('type'),
		],
		[
			'V6 purchase link without blah (saleID and type=purchase signed)',
			'/startorder',
			official('68849'),
			{
				...phpWhitelisted,
				type: 'purchase',
				version: '4',
				signature: '7dc7b530585b5895bf56840297a8634ec2d689050e6e812e725e8d36a80cfef3',
			},
			NOT_A_SALE('version'),
		],
		[
			'V6 purchase link as published (blah unsigned)',
			'/startorder',
			official('68849'),
			{
				...PHP_PARAMS,
				type: 'purchase',
				version: '4',
				signature: '7dc7b530585b5895bf56840297a8634ec2d689050e6e812e725e8d36a80cfef3',
			},
			UNSIGNED_ADDED,
		],
		[
			'V6 subscription link',
			'/startorder',
			official('68849'),
			{
				...phpWhitelisted,
				type: 'subscription',
				version: '4',
				signature: '6d92e2ad63e8adcf7aa12b254ef5817a8a4fc38d1b5ac84e15a88fa458e47866',
			},
			NOT_A_SALE('version'),
		],
		[
			'V6 upgrade link',
			'/startorder',
			official('68849'),
			{
				...phpWhitelisted,
				type: 'upgradesubscription',
				version: '4',
				signature: '7346e94abe0b63fd08396728da7cc8d1947adfc6d1c14c01720509190c96dc13',
			},
			NOT_A_SALE('version'),
		],
		[
			'V6 status / cancel request',
			'/salestatus',
			official('68849'),
			{
				...phpWhitelisted,
				version: '4',
				signature: '52da73f96d0e70ee1be13183ca3a6a7c0459165d53dab1b52ae20f442ccc4f55',
			},
			NOT_A_SALE('version'),
		],
		[
			'V7 status request (SHA-1, version 3.2)',
			'/salestatus',
			official('68849'),
			{ ...v7Whitelisted, signature: '2e2ab2017f2f649e79a35fa065e89658407a8f69' },
			NOT_A_SALE('version'),
		],
		[
			'V7 all-parameters signature (SHA-1)',
			'/startorder',
			official('68849'),
			{ ...V7_BASE, version: '3.2', signature: '9c6abde0e9172cb9acd802183a500c7796f48492' },
			NOT_A_SALE('version'),
		],
		[
			'V7 subscription link (SHA-1)',
			'/startorder',
			official('68849'),
			{
				...v7Whitelisted,
				type: 'subscription',
				signature: '6f6353084a4cd194730470186ad9696c98328800',
			},
			NOT_A_SALE('version'),
		],
		[
			'V7 purchase link without blah (SHA-1)',
			'/startorder',
			official('68849'),
			{ ...v7Whitelisted, type: 'purchase', signature: 'bbe653e328d8a4234b45321b98cb2d9581dfa078' },
			NOT_A_SALE('version'),
		],
		[
			'V7 purchase link as published (SHA-1, blah unsigned)',
			'/startorder',
			official('68849'),
			{
				...v7Whitelisted,
				blah: 'something',
				type: 'purchase',
				signature: 'bbe653e328d8a4234b45321b98cb2d9581dfa078',
			},
			UNSIGNED_ADDED,
		],
	];

	test('the reconstructed sets carry their published signatures (so a refusal is not a broken signature)', () => {
		for (const [label, , credentials, params, expected] of VECTORS) {
			if (expected.code !== 'NOT_A_SALE_MESSAGE') continue;
			const { signature, ...sent } = params;
			const algorithm = signature.length === 40 ? 'sha1' : 'sha256';
			// A link as published signs only its whitelisted part; every other set is signed whole.
			const signed = expected === UNSIGNED_ADDED ? pickSignedRequestParams(sent) : sent;
			expect({
				label,
				signature: computeSignature(credentials.signatureKey, signed, algorithm),
			}).toEqual({ label, signature: signature.toLowerCase() });
		}
	});

	test.each(VECTORS)(
		'%s: the trigger runs nothing and Verify Redirect says valid false',
		async (_label, path, credentials, params, expected) => {
			for (const transport of TRANSPORTS) {
				for (const mode of MODES) {
					const { h, result } = await deliver(toQuery(params), transport, mode, { credentials });
					expectRefusedByTrigger(h, result, expected, params, `${transport}, ${mode}`);
				}
			}
			await expectRefusedByVerifyRedirect(params, expected, path, credentials);
		},
	);
});
