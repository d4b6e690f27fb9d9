/**
 * The trigger inside n8n-core's real execution contexts (WebhookContext,
 * HookContext) and n8n-workflow's real Workflow: parameter defaults and the
 * Options collection as n8n resolves them, observable static data as n8n saves
 * it, credentials through the credentials helper, the production URL as n8n
 * builds it, and this.helpers.httpRequestWithAuthentication as n8n wires it
 * (the package's real credential signs; nock answers at the socket level).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { HookContext, InstanceSettings, WebhookContext } from 'n8n-core';
import nock from 'nock';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { VerotelFlexPayTrigger } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node';
import { forgetCachedCredentials, forgetRecentKeys, REMEMBERED_KEYS_FIELD } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTriggerHelpers';
import { CREDENTIALS, CREDIT, KEY, PURCHASE, SHOP, signedQuery } from './harness';

const WEBHOOK_ID = '3b0c7a52-5e0e-4c4e-9a57-1f6f3f0d9c11';
const NODE_NAME = 'Verotel FlexPay Trigger';
const logs: Array<{ level: string; message: string }> = [];

beforeAll(() => {
	const logger = {
		error: (message: string) => logs.push({ level: 'error', message }),
		warn: (message: string) => logs.push({ level: 'warn', message }),
		info: (message: string) => logs.push({ level: 'info', message }),
		debug: (message: string) => logs.push({ level: 'debug', message }),
		scoped: () => logger,
	};
	Container.set(Logger, logger as unknown as Logger);
	// Keeps n8n-core from creating ~/.n8n; contexts only hold a reference to it.
	Container.set(InstanceSettings, {} as InstanceSettings);
	nock.disableNetConnect();
});
afterEach(() => {
	logs.length = 0;
	nock.cleanAll();
	forgetRecentKeys();
	forgetCachedCredentials();
});
afterAll(() => nock.enableNetConnect());

const trigger = new VerotelFlexPayTrigger();
const nodeTypes: INodeTypes = {
	getByName: () => trigger as INodeType,
	getByNameAndVersion: () => trigger as INodeType,
	getKnownTypes: () => ({}),
};

interface Sent {
	status?: number;
	type?: string;
	body?: string;
}

function setup(parameters: INodeParameters, staticData: IDataObject = {}, credentials: ICredentialDataDecryptedObject = CREDENTIALS) {
	const node: INode = {
		id: 'a1b2',
		name: NODE_NAME,
		type: 'n8n-nodes-verotel-flexpay.verotelFlexPayTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: WEBHOOK_ID,
		parameters,
		credentials: { verotelFlexPayApi: { id: 'cred-1', name: 'FlexPay shop' } },
	};
	const workflow = new Workflow({ id: 'wf-1', nodes: [node], connections: {}, active: true, nodeTypes, staticData });
	const credentialType = new VerotelFlexPayApi();
	const additionalData = {
		webhookBaseUrl: 'https://n8n.example.com/webhook',
		webhookTestBaseUrl: 'https://n8n.example.com/webhook-test',
		webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
		formWaitingBaseUrl: 'https://n8n.example.com/form-waiting',
		instanceBaseUrl: 'https://n8n.example.com/',
		restApiUrl: 'https://n8n.example.com/rest',
		variables: {},
		credentialsHelper: {
			getDecrypted: async () => ({ ...credentials }),
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (creds: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions) =>
				await credentialType.authenticate(creds, options),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { node: workflow.getNode(NODE_NAME)!, workflow, additionalData };
}

async function deliver(
	env: ReturnType<typeof setup>,
	query: string,
	mode: 'webhook' | 'manual' = 'webhook',
): Promise<{ result: IWebhookResponseData; sent: Sent; order: string[] }> {
	const sent: Sent = {};
	const order: string[] = [];
	let headersSent = false;
	const res = {
		get headersSent() {
			return headersSent;
		},
		status(code: number) {
			sent.status = code;
			return res;
		},
		type(value: string) {
			sent.type = value;
			return res;
		},
		send(body: string) {
			sent.body = body;
			headersSent = true;
			order.push('sent');
			return res;
		},
	};
	const url = `/webhook/${WEBHOOK_ID}/webhook?${query}`;
	env.additionalData.httpRequest = { method: 'GET', url, originalUrl: url, headers: {}, query: {}, body: {} } as never;
	env.additionalData.httpResponse = res as never;
	const description = trigger.description.webhooks![0];
	const webhookData: IWebhookData = {
		httpMethod: 'GET',
		node: NODE_NAME,
		path: `${WEBHOOK_ID}/webhook`,
		webhookDescription: description,
		workflowId: 'wf-1',
		workflowExecuteAdditionalData: env.additionalData,
	};
	const context = new WebhookContext(env.workflow, env.node, env.additionalData, mode, webhookData, [], null);
	const result = await trigger.webhook.call(context);
	order.push('resolved');
	return { result, sent, order };
}

describe('inside n8n-core contexts', () => {
	it('default options: verifies, answers OK first, emits one item and records the key in saveable static data', async () => {
		const env = setup({});
		const { result, sent, order } = await deliver(env, signedQuery(PURCHASE));
		expect(sent).toEqual({ status: 200, type: 'text/plain', body: 'OK' });
		expect(order).toEqual(['sent', 'resolved']);
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData?.[0][0].json).toMatchObject({ event: 'purchase', saleID: '700001', amount: 19.99, httpMethod: 'GET' });
		expect(result.workflowData?.[0][0].json).not.toHaveProperty('sale');

		// What n8n's WorkflowStaticDataService.saveStaticData looks at after the webhook returns.
		const staticData = env.workflow.staticData as IDataObject & { __dataChanged?: boolean };
		expect(staticData.__dataChanged).toBe(true);
		const saved = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		expect(saved).toEqual({ [`node:${NODE_NAME}`]: { [REMEMBERED_KEYS_FIELD]: [`${SHOP}:700001:purchase:900001`] } });

		// Next request: n8n loads the workflow (and the saved static data) again.
		const next = setup({}, saved);
		const again = await deliver(next, signedQuery(PURCHASE));
		expect(again.sent.body).toBe('OK');
		expect(again.result).toEqual({ noWebhookResponse: true });
		expect((next.workflow.staticData as { __dataChanged?: boolean }).__dataChanged).toBe(false);
	});

	it('the Options collection as n8n resolves it (events filter)', async () => {
		const env = setup({ options: { events: ['purchase'] } });
		const credit = await deliver(env, signedQuery(CREDIT));
		expect(credit.sent.body).toBe('OK');
		expect(credit.result).toEqual({ noWebhookResponse: true });
		const purchase = await deliver(env, signedQuery(PURCHASE));
		expect(purchase.result.workflowData?.[0][0].json.event).toBe('purchase');
	});

	it('a bad signature gives 401, a warning through n8n’s logger, no item', async () => {
		const env = setup({});
		const { result, sent } = await deliver(env, signedQuery(PURCHASE).replace('priceAmount=19.99', 'priceAmount=1.99'));
		expect(sent).toEqual({ status: 401, type: 'text/plain', body: 'Unauthorized' });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(logs).toEqual([expect.objectContaining({ level: 'warn' })]);
	});

	it('Fetch Sale Details through the real this.helpers.httpRequestWithAuthentication', async () => {
		const scope = nock('https://secure.verotel.com')
			.get('/salestatus')
			.query((q) => q.saleID === '700001' && q.shopID === SHOP && q.version === '4' && /^[0-9a-f]{64}$/.test(String(q.signature)))
			.reply(200, 'response: FOUND\nsaleID: 700001\nsaleResult: APPROVED\nemail: buyer@example.com\n');
		const env = setup({ options: { fetchSaleDetails: true } });
		const { result, sent } = await deliver(env, signedQuery(PURCHASE));
		expect(scope.isDone()).toBe(true);
		expect(sent.body).toBe('OK');
		expect(result.workflowData?.[0][0].json).toMatchObject({
			sale: { saleResult: 'APPROVED', email: 'buyer@example.com' },
			saleLookup: { ok: true, response: 'FOUND', httpStatus: 200 },
		});
		expect(JSON.stringify({ result, logs })).not.toContain(KEY);
	});

	it('a repeat that arrives before n8n saved the first one’s static data is still suppressed', async () => {
		// n8n loads the workflow (static data included) per request and saves it only after
		// webhook() returned; with a slow status lookup both requests see empty static data.
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let requestSeen!: () => void;
		const seen = new Promise<void>((resolve) => (requestSeen = resolve));
		nock('https://secure.verotel.com')
			.get('/salestatus')
			.query(true)
			.once()
			.reply((_uri, _body, callback) => {
				requestSeen();
				void gate.then(() => callback(null, [200, 'response: FOUND\nsaleID: 700001\n']));
			});
		const first = deliver(setup({ options: { fetchSaleDetails: true } }), signedQuery(PURCHASE));
		await seen;
		const second = await deliver(setup({ options: { fetchSaleDetails: true } }), signedQuery(PURCHASE, 'sha1'));
		expect(second.sent.body).toBe('OK');
		expect(second.result).toEqual({ noWebhookResponse: true });
		release();
		expect((await first).result.workflowData?.[0][0].json).toMatchObject({ saleLookup: { ok: true } });
	});

	it('test mode (manual): every call runs, nothing is remembered', async () => {
		const saved = { [`node:${NODE_NAME}`]: { [REMEMBERED_KEYS_FIELD]: [`${SHOP}:700001:purchase:900001`] } };
		for (let i = 0; i < 2; i++) {
			const env = setup({}, JSON.parse(JSON.stringify(saved)));
			const { result, sent } = await deliver(env, signedQuery(PURCHASE), 'manual');
			expect(sent.body).toBe('OK');
			expect(result.workflowData?.[0][0].json.event).toBe('purchase');
			expect((env.workflow.staticData as { __dataChanged?: boolean }).__dataChanged).toBe(false);
		}
	});

	it('checkExists (activation) logs the production URL n8n builds, and the lifecycle methods are no-ops', async () => {
		const env = setup({});
		const webhookData: IWebhookData = {
			httpMethod: 'GET',
			node: NODE_NAME,
			path: `${WEBHOOK_ID}/webhook`,
			webhookDescription: trigger.description.webhooks![0],
			workflowId: 'wf-1',
			workflowExecuteAdditionalData: env.additionalData,
		};
		const hook = new HookContext(env.workflow, env.node, env.additionalData, 'webhook', 'activate', webhookData);
		await expect(trigger.webhookMethods.default.checkExists.call(hook)).resolves.toBe(true);
		await expect(trigger.webhookMethods.default.create.call(hook)).resolves.toBe(true);
		await expect(trigger.webhookMethods.default.delete.call(hook)).resolves.toBe(true);
		expect(logs).toEqual([
			{ level: 'info', message: expect.stringContaining(`https://n8n.example.com/webhook/${WEBHOOK_ID}/webhook`) },
		]);
	});
});
