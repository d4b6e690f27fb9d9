/**
 * The signature key must never appear in any output item, error message,
 * error description, error context or anything else n8n keeps of a run. Every
 * operation runs through n8n's engine in success and failure, with a
 * distinctive key; everything (including JSON.stringify of it all) is scanned.
 */
import type { INodeParameters, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';

import {
	ACTION_NODE_NAME as FLEXPAY,
	actionWorkflow,
	runActionWorkflow,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { TEST_NODE } from '../helpers/action-context';
import { referenceSignature, statusServer } from '../helpers/flexpay-status-server';
import type { EngineRunResult } from '../helpers/n8n-engine';
import { findSecret } from '../helpers/secret-scan';

const HOST = 'http://leak-check.flexpay.test';

const purchase = (amount: string): INodeParameters => ({
	resource: 'paymentLink',
	operation: 'createPurchaseUrl',
	amount,
	currency: 'EUR',
	description: 'Leak check',
	additionalFields: { email: 'a@b.example', custom1: 'c1', successURL: 'https://s.example/ok' },
});
const status = (saleId: string, timeout = 5000): INodeParameters => ({
	resource: 'sale',
	operation: 'getStatus',
	lookUpBy: 'saleID',
	saleID: saleId,
	options: { timeout },
});
const signedRedirect = (() => {
	const params = { saleID: '1', shopID: TEST_SHOP_ID, priceAmount: '1.00' };
	return { ...params, signature: referenceSignature(TEST_SIGNATURE_KEY, params) };
})();

const noop = () => {};
const subscription: INodeParameters = {
	resource: 'paymentLink',
	operation: 'createSubscriptionUrl',
	amount: '5',
	currency: 'EUR',
	subscriptionType: 'recurring',
	period: 'P1M',
	additionalFields: {},
};
const upgradeWithBadSale: INodeParameters = {
	...subscription,
	operation: 'createUpgradeSubscriptionUrl',
	precedingSaleID: 'x',
};
const server = (signatureKey: string, sales?: Record<string, string>) => () =>
	statusServer({ baseUrl: HOST, shopId: TEST_SHOP_ID, signatureKey, sales });

const TRIGGER = 'http://n8n.leak-check.test';
/** The trigger's webhook ID: Send Test Postback sends only to a path ending in /<UUID>/webhook. */
const WEBHOOK_ID = '0b7e3c1a-5d2f-4e8a-9c6b-1f3d5a7e9b02';
const testPostback = (url: string, options: INodeParameters = {}): INodeParameters => ({
	resource: 'postback',
	operation: 'sendTestPostback',
	url,
	event: 'credit',
	options: { custom1: 'c1', ...options },
});
const trigger = () => nock(TRIGGER).get(`/webhook/${WEBHOOK_ID}/webhook`).query(true);
// Its failures (refused, timeout, bad URL, bad option) are scanned for the key in postback-send-test-failures.test.ts.

const cases: Array<[string, INodeParameters, () => void, 'ok' | 'fails']> = [
	['purchase URL', purchase('9.99'), noop, 'ok'],
	['purchase URL, invalid amount', purchase('nine'), noop, 'fails'],
	['subscription URL', subscription, noop, 'ok'],
	['upgrade URL, invalid preceding sale', upgradeWithBadSale, noop, 'fails'],
	[
		'cancel URL',
		{ resource: 'paymentLink', operation: 'createCancelSubscriptionUrl', saleID: '8' },
		noop,
		'ok',
	],
	[
		'status FOUND',
		status('1'),
		server(TEST_SIGNATURE_KEY, { 'saleID:1': 'response: FOUND\nsaleID: 1\nemail: e@x.example\n' }),
		'ok',
	],
	['status NOTFOUND', status('2'), server(TEST_SIGNATURE_KEY), 'ok'],
	[
		'status ERROR (the server expects another key)',
		status('3'),
		server('the-server-expects-another-key'),
		'fails',
	],
	[
		'status HTTP 500 whose body echoes the query',
		status('4'),
		() =>
			nock(HOST)
				.get('/salestatus')
				.query(true)
				.reply(500, (uri) => `failed: ${uri}`),
		'fails',
	],
	[
		'status unreadable body',
		status('5'),
		() => nock(HOST).get('/salestatus').query(true).reply(200, '<html>proxy login</html>'),
		'fails',
	],
	[
		'status timeout',
		status('6', 100),
		() => nock(HOST).get('/salestatus').query(true).delay(800).reply(200, 'response: NOTFOUND'),
		'fails',
	],
	[
		'status HTTP 404',
		status('7'),
		() => nock(HOST).get('/salestatus').query(true).reply(404, 'no such page'),
		'fails',
	],
	[
		'verify redirect, valid',
		{
			resource: 'signature',
			operation: 'verifyRedirect',
			redirect: signedRedirect as unknown as string,
		},
		noop,
		'ok',
	],
	[
		'verify redirect, forged (valid: false is an output)',
		{
			resource: 'signature',
			operation: 'verifyRedirect',
			redirect: 'saleID=1&shopID=60678&signature=abc',
		},
		noop,
		'ok',
	],
	[
		'test postback, 200 OK',
		testPostback(`${TRIGGER}/webhook/${WEBHOOK_ID}/webhook`),
		() => trigger().reply(200, 'OK'),
		'ok',
	],
	[
		'test postback, 401 whose body echoes the query (an output)',
		testPostback(`${TRIGGER}/webhook/${WEBHOOK_ID}/webhook`),
		() => trigger().reply(401, (uri) => `Unauthorized: ${uri}`),
		'ok',
	],
];

setUpEngineWithNock();

async function run(parameters: INodeParameters, continueOnFail: boolean): Promise<EngineRunResult> {
	return await runActionWorkflow(
		actionWorkflow(parameters, { onError: continueOnFail ? 'continueRegularOutput' : undefined }),
		{
			c: {
				type: 'verotelFlexPayApi',
				data: { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY, baseUrl: HOST },
			},
		},
	);
}

describe.each([
	['stop on error', false],
	['continue on error', true],
])('no trace of the signature key (%s)', (_mode, continueOnFail) => {
	it.each(cases)('%s', async (_label, parameters, arrange, outcome) => {
		arrange();
		const result = await run(parameters, continueOnFail);
		const task = result.task(FLEXPAY);
		expect(task).toBeDefined();
		// Items, errors (message, description, context, cause, messages), the whole run, and their JSON.
		expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
		expect(findSecret(task, TEST_SIGNATURE_KEY)).toEqual([]);
		expect(JSON.stringify(result.run)).not.toContain(TEST_SIGNATURE_KEY);
		// What n8n's credentials helper produced for the wire.
		expect(findSecret(result.credentialsHelper.authenticatedRequests, TEST_SIGNATURE_KEY)).toEqual(
			[],
		);
		// Each case reached its intended outcome, so the scan covered a real success or failure.
		const failed = continueOnFail
			? result.outputItems(FLEXPAY)?.[0]?.error !== undefined
			: result.run.status === 'error';
		expect(failed ? 'fails' : 'ok').toBe(outcome);
	});
});

describe('the scan itself', () => {
	it('finds a key planted deep inside an n8n error (why the node never hands n8n the raw HTTP error)', () => {
		const raw = new Error('request failed') as Error & { config?: unknown };
		raw.config = { params: { note: `key=${TEST_SIGNATURE_KEY}` } };
		const wrapped = new NodeApiError(TEST_NODE, {
			cause: raw,
			request: { qs: { k: TEST_SIGNATURE_KEY } },
		} as unknown as JsonObject);
		expect(findSecret(wrapped, TEST_SIGNATURE_KEY).length).toBeGreaterThan(0);
		expect(
			findSecret([{ json: { nested: [{ deep: `x${TEST_SIGNATURE_KEY}y` }] } }], TEST_SIGNATURE_KEY),
		).not.toEqual([]);
		expect(findSecret({ [TEST_SIGNATURE_KEY]: 1 }, TEST_SIGNATURE_KEY)).not.toEqual([]);
	});
});
