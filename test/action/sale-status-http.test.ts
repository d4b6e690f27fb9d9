/**
 * Sale -> Get Status over REAL HTTP: n8n's engine, n8n-core's request helper
 * (axios) and its error wrapping, our credential signing, nock behind. Every
 * failure must be a NodeApiError whose message says what happened and whose
 * description says how to fix it, and nothing may carry the signature key.
 */
import type { INodeParameters } from 'n8n-workflow';
import nock from 'nock';

import {
	ACTION_NODE_NAME as FLEXPAY,
	actionWorkflow,
	closedPort,
	nodeApiErrorOf,
	runActionWorkflow,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { referenceSignature } from '../helpers/flexpay-status-server';
import type { TestCredentialStore } from '../helpers/n8n-credentials-helper';
import { findSecret } from '../helpers/secret-scan';

const HOST = 'http://status.flexpay.test';

function credentialsFor(baseUrl: string): TestCredentialStore {
	return {
		c: {
			type: 'verotelFlexPayApi',
			data: { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY, baseUrl },
		},
	};
}

const expectedQuery = (saleID: string) => ({
	saleID,
	shopID: TEST_SHOP_ID,
	version: '4',
	signature: referenceSignature(TEST_SIGNATURE_KEY, { saleID, shopID: TEST_SHOP_ID, version: '4' }),
});

async function runStatus(
	saleId: string,
	options: INodeParameters = {},
	baseUrl = HOST,
	onError?: string,
) {
	const parameters = {
		resource: 'sale',
		operation: 'getStatus',
		lookUpBy: 'saleID',
		saleID: saleId,
		options,
	};
	const result = await runActionWorkflow(
		actionWorkflow(parameters, { onError }),
		credentialsFor(baseUrl),
	);
	// Nothing anywhere in the execution (items, errors, their causes, run data) holds the key.
	expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
	return result;
}

setUpEngineWithNock();

describe('Get Status over real HTTP (nock)', () => {
	it('FOUND with billing fields -> typed item; the request carries the signed parameters', async () => {
		const scope = nock(HOST)
			.get('/salestatus')
			.query(expectedQuery('433456'))
			.reply(
				200,
				[
					'response: FOUND',
					'saleID: 433456',
					`shopID: ${TEST_SHOP_ID}`,
					'saleResult: APPROVED',
					'priceAmount: 9.99',
					'priceCurrency: USD',
					"email: 'buyer@example.com'",
					'billingAddr_fullName: "Ana María López"',
					'billingAddr_company: ',
					'billingAddr_addressLine1: Calle Mayor 5',
					'billingAddr_city: Madrid',
					'billingAddr_zip: 28013',
					'billingAddr_state: M',
					'billingAddr_country: ES',
					'nextChargeOn: 2026-12-01',
				].join('\r\n'),
				{ 'Content-Type': 'text/plain; charset=utf-8' },
			);
		const result = await runStatus('433456');
		expect(result.failure()).toBeUndefined();
		expect(scope.isDone()).toBe(true);
		expect(result.outputItems(FLEXPAY)).toEqual([
			{
				json: {
					found: true,
					response: 'FOUND',
					saleID: '433456',
					shopID: TEST_SHOP_ID,
					saleResult: 'APPROVED',
					priceAmount: '9.99',
					priceCurrency: 'USD',
					email: 'buyer@example.com',
					nextChargeOn: '2026-12-01',
					amount: 9.99,
					billingAddress: {
						fullName: 'Ana María López',
						company: '',
						addressLine1: 'Calle Mayor 5',
						city: 'Madrid',
						zip: '28013',
						state: 'M',
						country: 'ES',
					},
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('NOTFOUND -> found: false, a normal item', async () => {
		nock(HOST).get('/salestatus').query(expectedQuery('12')).reply(200, 'response: NOTFOUND\n');
		const result = await runStatus('12');
		expect(result.run.status).toBe('success');
		expect(result.outputItems(FLEXPAY)).toEqual([
			{ json: { found: false, response: 'NOTFOUND', saleID: '12' }, pairedItem: { item: 0 } },
		]);
	});

	it('response: ERROR -> NodeApiError: refused, check key and shop ID', async () => {
		nock(HOST)
			.get('/salestatus')
			.query(true)
			.reply(200, 'response: ERROR\nerror: Wrong signature\n');
		const error = nodeApiErrorOf(await runStatus('1'));
		expect(error.message).toBe('The FlexPay status service refused the request: Wrong signature');
		expect(error.description).toMatch(/Check the Signature Key and the Shop ID .* Re-copy the key/);
	});

	it('HTTP 500 -> NodeApiError with the status and a retry hint', async () => {
		nock(HOST).get('/salestatus').query(true).reply(500, `internal error for ${TEST_SHOP_ID}`);
		const error = nodeApiErrorOf(await runStatus('1'));
		expect(error.message).toBe('The FlexPay status service answered HTTP 500');
		expect(error.description).toMatch(/Try again later, or turn on Retry On Fail/);
		expect(error.httpCode).toBe('500');
	});

	it('HTTP 503 is reported the same way', async () => {
		nock(HOST).get('/salestatus').query(true).reply(503, 'maintenance');
		const error = nodeApiErrorOf(await runStatus('1'));
		expect(error.message).toBe('The FlexPay status service answered HTTP 503');
	});

	it('HTTP 404 -> NodeApiError pointing at Brand / Custom Base URL', async () => {
		nock(HOST).get('/salestatus').query(true).reply(404, '<h1>Not Found</h1>');
		const error = nodeApiErrorOf(await runStatus('1'));
		expect(error.message).toBe('The FlexPay status service answered HTTP 404');
		expect(error.description).toMatch(/Check the Brand and the Custom Base URL/);
	});

	it.each([
		['an HTML page', '<!doctype html><html><body>Welcome</body></html>', /has no "response" line/],
		['garbage', '\u0000\u0001 not yaml at all ###', /has no "response" line/],
		['an unknown response value', 'response: MAYBE\n', /unknown response "MAYBE"/],
		['an empty body', '', /has no "response" line/],
		['JSON', '{"response":"FOUND"}', /has no "response" line/],
	])(
		'an unreadable body (%s) -> NodeApiError: not a sale status, check the address',
		async (_label, body, message) => {
			nock(HOST).get('/salestatus').query(true).reply(200, body);
			const error = nodeApiErrorOf(await runStatus('1'));
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/Check the Brand and the Custom Base URL/);
		},
	);

	it('a timeout -> NodeApiError naming the time limit and how to fix it', async () => {
		nock(HOST).get('/salestatus').query(true).delay(1500).reply(200, 'response: NOTFOUND\n');
		const started = Date.now();
		const error = nodeApiErrorOf(await runStatus('1', { timeout: 200 }));
		expect(Date.now() - started).toBeLessThan(1400);
		expect(error.message).toBe('The FlexPay status service did not answer within 200 ms');
		expect(error.description).toMatch(/raise Options -> Timeout, or turn on Retry On Fail/);
	});

	it('a refused connection -> NodeApiError: could not connect, with the network code', async () => {
		const port = await closedPort();
		nock.enableNetConnect('127.0.0.1');
		const error = nodeApiErrorOf(await runStatus('1', {}, `http://127.0.0.1:${port}`));
		expect(error.message).toBe('Could not connect to the FlexPay status service');
		expect(error.description).toMatch(
			/Network code: ECONNREFUSED\. Check the Brand and the Custom Base URL/,
		);
	});

	it('an unknown host -> NodeApiError: could not connect', async () => {
		nock.enableNetConnect('no-such-host.invalid');
		const error = nodeApiErrorOf(await runStatus('1', {}, 'http://no-such-host.invalid'));
		expect(error.message).toBe('Could not connect to the FlexPay status service');
		expect(error.description).toMatch(/Network code: (ENOTFOUND|EAI_AGAIN)/);
	});

	it('with On Error "continue", a failure becomes an error item and the run succeeds', async () => {
		nock(HOST).get('/salestatus').query(true).reply(500, 'down');
		const result = await runStatus('1', {}, HOST, 'continueRegularOutput');
		expect(result.run.status).toBe('success');
		expect(result.outputJson(FLEXPAY)).toEqual([
			{ error: 'The FlexPay status service answered HTTP 500' },
		]);
		expect(result.outputItems(FLEXPAY)?.[0].error?.description).toMatch(/Retry On Fail/);
	});
});
