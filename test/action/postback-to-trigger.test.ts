/**
 * The action node's Postback -> Send Test Postback against the Verotel FlexPay
 * Trigger, end to end in one process: the action node runs in n8n-core's engine
 * (WorkflowExecute, its real this.helpers.httpRequest) and sends over real HTTP
 * to a local server that plays n8n's webhook server: for each request it runs
 * the trigger's webhook() in n8n-core's real WebhookContext on the request as it
 * arrived; when the trigger hands over an item, it runs the trigger node's
 * execution in n8n-core's engine and then answers with the webhook's
 * `responseData` as n8n-workflow evaluates it (what n8n 2.x does for
 * `onReceived`: answer once the execution exists).
 *
 * Stand-in, not n8n: the HTTP routing and the storing of the execution.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeParameters,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { forgetCachedCredentials } from '../../nodes/VerotelFlexPayTrigger/credentialCache';
import { TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import {
	ACTION_NODE_NAME as FLEXPAY,
	actionWorkflow,
	runActionWorkflow,
} from '../helpers/action-engine';
import { recordN8nLogs, setUpN8nContainer } from '../helpers/n8n-container';
import { findSecret } from '../helpers/secret-scan';
import {
	callWebhook,
	executeWebhookResult,
	trigger,
	TRIGGER_NODE_NAME as TRIGGER,
	triggerEnv,
} from '../helpers/trigger-context';

const WEBHOOK_ID = '5d1e0c9a-7b7a-4d1e-8f10-2a3b4c5d6e7f';

interface TriggerSetup {
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	mode: WorkflowExecuteMode;
}

/** What the stand-in n8n saw per request: the trigger's own answer or the item of the stored execution. */
interface Delivery {
	statusCode: number;
	body: string;
	/** The trigger node's output in the execution, when there was one. */
	item?: IDataObject;
}

let server: http.Server;
let base: string;
let current: TriggerSetup;
const deliveries: Delivery[] = [];
const logs: unknown[] = [];
let workflowCounter = 0;

/** The stand-in webhook server: the trigger's webhook() on the real request, then what n8n does with its result. */
async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
	const { parameters, credentials } = current;
	const env = triggerEnv({
		baseUrl: base,
		workflowId: `wf-bridge-${++workflowCounter}`,
		webhookId: WEBHOOK_ID,
		parameters,
		credentials,
	});
	const response = {
		get headersSent() {
			return res.headersSent;
		},
		status(code: number) {
			res.statusCode = code;
			return response;
		},
		type(value: string) {
			res.setHeader('content-type', value);
			return response;
		},
		send(body: string) {
			res.end(body);
			deliveries.push({ statusCode: res.statusCode, body });
			return response;
		},
	};
	const request = { method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers };
	const result = await callWebhook(env, current.mode, request, response);
	if (result.noWebhookResponse) return; // the trigger answered itself (a refusal, or OK without a run)

	// n8n: the trigger node with the webhook's workflowData on the execution stack, run by the engine ...
	const run = await executeWebhookResult(env, result, current.mode);
	const description = trigger.description.webhooks![0];
	const item = run.data.resultData.runData[TRIGGER]?.[0]?.data?.main?.[0]?.[0]?.json;
	// ... then the answer: responseData as n8n evaluates it ("OK"), status 200.
	const mode = env.workflow.expression.getSimpleParameterValue(
		env.node,
		description.responseMode as string,
		'webhook',
		{},
		undefined,
		'onReceived',
	);
	expect(mode).toBe('onReceived');
	const body = String(
		env.workflow.expression.getComplexParameterValue(
			env.node,
			description.responseData as string,
			'webhook',
			{},
			undefined,
			'firstEntryJson',
		),
	);
	res.statusCode = 200;
	res.end(body);
	deliveries.push({ statusCode: 200, body, item });
}

beforeAll(async () => {
	setUpN8nContainer();
	recordN8nLogs(logs);
	server = http.createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			res.statusCode = 599;
			res.end(`stand-in failed: ${error.message}`);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
	deliveries.length = 0;
	logs.length = 0;
	forgetCachedCredentials();
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

async function send(
	url: string,
	event: string,
	options: INodeParameters = {},
	key = TEST_SIGNATURE_KEY,
) {
	const workflow = actionWorkflow({
		resource: 'postback',
		operation: 'sendTestPostback',
		url,
		event,
		options,
	});
	const result = await runActionWorkflow(workflow, {
		c: { type: 'verotelFlexPayApi', data: { shopId: TEST_SHOP_ID, signatureKey: key } },
	});
	expect(result.failure()).toBeUndefined();
	const output = result.outputJson(FLEXPAY)!;
	expect(output).toHaveLength(1);
	for (const secret of [TEST_SIGNATURE_KEY, key]) {
		expect(findSecret({ output, deliveries, logs }, secret)).toEqual([]);
	}
	return output[0];
}

describe('Send Test Postback -> Verotel FlexPay Trigger', () => {
	it('production URL: a test postback is answered OK without a run, so a copied sample grants nothing -> ok: true', async () => {
		current = { parameters: {}, credentials: TEST_CREDENTIALS, mode: 'webhook' };
		const url = `${base}/webhook/${WEBHOOK_ID}/webhook`;
		const out = await send(url, 'purchase', { saleID: '700002' });
		expect(out).toMatchObject({
			url,
			event: 'purchase',
			saleID: '700002',
			statusCode: 200,
			body: 'OK',
			ok: true,
		});
		expect((out.params as IDataObject).testPostback).toBe('1');
		// The trigger answered itself: no execution, no item.
		expect(deliveries).toEqual([{ statusCode: 200, body: 'OK' }]);
		expect(JSON.stringify(logs)).toMatch(/test postback on the production URL without a run/);
	});

	it('production URL with "Run Test Postbacks": the execution carries the sale, marked test: true -> ok: true', async () => {
		current = {
			parameters: { options: { runTestPostbacks: true } },
			credentials: TEST_CREDENTIALS,
			mode: 'webhook',
		};
		const url = `${base}/webhook/${WEBHOOK_ID}/webhook`;
		const out = await send(url, 'purchase', {
			saleID: '700001',
			referenceID: 'order-1001',
			amount: '19.99',
			custom1: 'user-42',
		});
		expect(out).toMatchObject({
			url,
			event: 'purchase',
			saleID: '700001',
			statusCode: 200,
			body: 'OK',
			ok: true,
		});
		expect(deliveries).toHaveLength(1);
		expect(deliveries[0].item).toMatchObject({
			event: 'purchase',
			type: 'purchase',
			saleID: '700001',
			referenceID: 'order-1001',
			shopID: TEST_SHOP_ID,
			amount: 19.99,
			currency: 'EUR',
			custom1: 'user-42',
			idempotencyKey: `${TEST_SHOP_ID}:700001:purchase`,
			signatureAlgorithm: 'sha256',
			httpMethod: 'GET',
			test: true,
		});
		const { signature, ...signed } = out.params as IDataObject;
		expect(signature).toMatch(/^[0-9a-f]{64}$/);
		expect(deliveries[0].item?.params).toEqual(signed);
	});

	it.each([['credit'], ['rebill'], ['cancel']])(
		'test URL: a %s postback runs with its event',
		async (event) => {
			current = { parameters: {}, credentials: TEST_CREDENTIALS, mode: 'manual' };
			const out = await send(`${base}/webhook-test/${WEBHOOK_ID}/webhook`, event);
			expect(out).toMatchObject({ event, statusCode: 200, body: 'OK', ok: true });
			expect(deliveries[0].item).toMatchObject({
				event,
				saleID: out.saleID,
				amount: 9.99,
				test: true,
			});
			if (event === 'credit') expect(deliveries[0].item?.parentID).toMatch(/^\d{8}$/);
		},
	);

	it("a trigger whose credential holds another key answers 401: ok: false with the trigger's body and a hint", async () => {
		current = {
			parameters: {},
			credentials: { ...TEST_CREDENTIALS, signatureKey: `${TEST_SIGNATURE_KEY}-other` },
			mode: 'webhook',
		};
		const other = `${TEST_SIGNATURE_KEY}-sender`;
		const out = await send(`${base}/webhook/${WEBHOOK_ID}/webhook`, 'purchase', {}, other);
		expect(out).toMatchObject({ statusCode: 401, body: 'Unauthorized', ok: false });
		expect(out.hint).toMatch(/another Signature Key/);
		expect(deliveries).toEqual([{ statusCode: 401, body: 'Unauthorized' }]);
	});

	it('an event the trigger does not select is answered OK without a run', async () => {
		current = {
			parameters: { options: { events: ['purchase'] } },
			credentials: TEST_CREDENTIALS,
			mode: 'webhook',
		};
		const out = await send(`${base}/webhook/${WEBHOOK_ID}/webhook`, 'expiry');
		expect(out).toMatchObject({ event: 'expiry', statusCode: 200, body: 'OK', ok: true });
		expect(deliveries).toEqual([{ statusCode: 200, body: 'OK' }]);
	});
});
