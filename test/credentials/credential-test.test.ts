/**
 * Does the credential's `test` tell a wrong key from a right one, when n8n
 * runs it? The request goes through n8n-core's real RoutingNode (with our
 * `authenticate` applied by the credentials helper) over real HTTP to a nock
 * status service that checks the signature like Verotel: a right key gets
 * `response: NOTFOUND` for the sentinel reference, a wrong key `response: ERROR`.
 */
import nock from 'nock';

import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { ERROR_BODY, statusServer } from '../helpers/flexpay-status-server';
import { runCredentialTest } from '../helpers/n8n-credential-tester';
import { setUpN8nContainer } from '../helpers/n8n-container';
import { findSecret } from '../helpers/secret-scan';

const BASE = 'https://secure.verotel.com';
const credential = new VerotelFlexPayApi();
const right = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

beforeAll(() => {
	setUpN8nContainer();
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('credential test through n8n RoutingNode + the tester rules', () => {
	it('passes with the right key: the service answers NOTFOUND for the sentinel reference', async () => {
		const server = statusServer({
			baseUrl: BASE,
			shopId: TEST_SHOP_ID,
			signatureKey: TEST_SIGNATURE_KEY,
		});
		const run = await runCredentialTest(credential, right);
		expect(run.body).toBe('response: NOTFOUND\n');
		expect(run.result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(server.requests).toEqual([
			expect.objectContaining({
				referenceID: 'n8n-credential-test',
				shopID: TEST_SHOP_ID,
				version: '4',
			}),
		]);
	});

	it('fails with a wrong key, telling the user to re-copy the key', async () => {
		statusServer({ baseUrl: BASE, shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY });
		const run = await runCredentialTest(credential, {
			...right,
			signatureKey: 'aWrongKeyThatIsNotTheRealOne1',
		});
		expect(run.body).toBe(ERROR_BODY);
		expect(run.result.status).toBe('Error');
		expect(run.result.message).toMatch(/response: ERROR/);
		expect(run.result.message).toMatch(/Re-copy the Signature Key/);
		expect(run.result.message).toMatch(/Setup Websites -> your website -> FlexPay options/);
	});

	it('fails when the shop ID belongs to another website (the service answers ERROR too)', async () => {
		statusServer({ baseUrl: BASE, shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY });
		const run = await runCredentialTest(credential, { ...right, shopId: '11111' });
		expect(run.result.status).toBe('Error');
		expect(run.result.message).toMatch(/Shop ID/);
	});

	it('uses the brand host and the Custom Base URL', async () => {
		const cardbilling = statusServer({
			baseUrl: 'https://secure.billing.creditcard',
			shopId: TEST_SHOP_ID,
			signatureKey: TEST_SIGNATURE_KEY,
		});
		expect(
			(await runCredentialTest(credential, { ...right, brand: 'cardbilling' })).result.status,
		).toBe('OK');
		expect(cardbilling.requests).toHaveLength(1);
		const proxy = statusServer({
			baseUrl: 'http://127.0.0.1:8765',
			shopId: TEST_SHOP_ID,
			signatureKey: TEST_SIGNATURE_KEY,
		});
		expect(
			(await runCredentialTest(credential, { ...right, baseUrl: 'http://127.0.0.1:8765' })).result
				.status,
		).toBe('OK');
		expect(proxy.requests).toHaveLength(1);
	});

	it.each([
		['a byte-order mark', '\uFEFFresponse: ERROR\nerror: Invalid signature\n'],
		['a YAML document marker', '---\nresponse: ERROR\nerror: Invalid signature\n'],
	])('still fails for an ERROR body that starts with %s', async (_label, body) => {
		nock(BASE).get('/salestatus').query(true).reply(200, body);
		const run = await runCredentialTest(credential, right);
		expect(run.result.status).toBe('Error');
		expect(run.result.message).toMatch(/Re-copy the Signature Key/);
	});

	it.each([
		['FOUND', 'response: FOUND\nsaleID: 1\n'],
		['NOTFOUND after a BOM', '\uFEFFresponse: NOTFOUND\n'],
		['NOTFOUND after a YAML marker', '---\nresponse: NOTFOUND\n'],
	])('passes for a %s body', async (_label, body) => {
		nock(BASE).get('/salestatus').query(true).reply(200, body);
		expect((await runCredentialTest(credential, right)).result.status).toBe('OK');
	});

	it.each([
		['an HTML page', '<!doctype html><title>Shop</title>'],
		['a JSON document', '{"status":"ok"}'],
		['an empty body', ''],
	])('fails when the address answers %s (not the FlexPay status service)', async (_label, body) => {
		nock(BASE).get('/salestatus').query(true).reply(200, body);
		const run = await runCredentialTest(credential, right);
		expect(run.result.status).toBe('Error');
		expect(run.result.message).toMatch(/did not answer like the FlexPay status service/);
	});

	it('fails on an HTTP error status', async () => {
		nock(BASE).get('/salestatus').query(true).reply(404, 'Not Found');
		const run = await runCredentialTest(credential, right);
		expect(run.result.status).toBe('Error');
	});

	it('fails with the credential problem itself when the shop ID is not numeric', async () => {
		const run = await runCredentialTest(credential, { ...right, shopId: 'my-shop' });
		expect(run.result.status).toBe('Error');
		expect(run.result.message).toMatch(/not a numeric website ID/);
	});

	it('never lets the key reach the wire, the result or the error', async () => {
		const server = statusServer({
			baseUrl: BASE,
			shopId: TEST_SHOP_ID,
			signatureKey: TEST_SIGNATURE_KEY,
		});
		const ok = await runCredentialTest(credential, right);
		const wrong = await runCredentialTest(credential, {
			...right,
			signatureKey: `${TEST_SIGNATURE_KEY}x`,
		});
		const broken = await runCredentialTest(credential, { ...right, shopId: 'x' });
		expect(findSecret(server.requests, TEST_SIGNATURE_KEY)).toEqual([]);
		expect(findSecret(ok.credentialsHelper.authenticatedRequests, TEST_SIGNATURE_KEY)).toEqual([]);
		for (const run of [ok, wrong, broken]) {
			expect(findSecret(run.result, TEST_SIGNATURE_KEY)).toEqual([]);
			expect(findSecret(run.error, TEST_SIGNATURE_KEY)).toEqual([]);
		}
	});
});

describe('why the rules look the way they do (n8n semantics on a text body)', () => {
	it('n8n hands the rules the raw text body, so a rule on the key "response" can never fire', async () => {
		statusServer({ baseUrl: BASE, shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY });
		const naiveTest = {
			...credential.test,
			rules: [
				{
					type: 'responseSuccessBody' as const,
					properties: { key: 'response', value: 'ERROR', message: 'wrong key' },
				},
			],
		};
		const run = await runCredentialTest(
			credential,
			{ ...right, signatureKey: 'aWrongKeyThatIsNotTheRealOne1' },
			naiveTest,
		);
		expect(typeof run.body).toBe('string');
		expect(run.body).toBe(ERROR_BODY);
		// A wrong key would be reported as working:
		expect(run.result).toEqual({ status: 'OK', message: 'Connection successful!' });
	});
});
