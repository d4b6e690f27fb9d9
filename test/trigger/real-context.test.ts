/**
 * The trigger inside n8n-core's real execution contexts (WebhookContext,
 * ExecuteContext, HookContext), n8n-core's real engine (WorkflowExecute) and
 * n8n-workflow's real Workflow: parameter defaults and the Options collection
 * as n8n resolves them, the webhook description's expressions as n8n evaluates
 * them, n8n's deduplication store through n8n-core's own helpers (a
 * ProcessedStore behind DataDeduplicationService), credentials through the
 * credentials helper, the production URL as n8n builds it, and
 * this.helpers.httpRequestWithAuthentication as n8n wires it (the package's
 * real credential signs; nock answers at the socket level).
 *
 * As in n8n's webhook handling: webhook() runs in a WebhookContext; its
 * workflowData becomes the input of the trigger node on the execution stack,
 * and the engine calls the node type's execute() with it (n8n does so whenever
 * the node type has an execute()). sendResponse() reaches the execution's
 * lifecycle hooks, where n8n answers the waiting request ("responseNode").
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { HookContext } from 'n8n-core';
import nock from 'nock';
import type { INodeParameters } from 'n8n-workflow';

import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { setUpN8nContainer } from '../helpers/n8n-container';
import { trigger, webhookDataOf } from '../helpers/trigger-context';
import { deliver, execute, setup, useProcessedStore, WEBHOOK_ID } from './core-delivery';
import { OK_ANSWER } from './execute-harness';
import { CREDIT, PURCHASE, signedQuery } from './fixtures';
import { ProcessedStore } from './processed-store';
import { forgetTriggerState } from './webhook-harness';

const logs: Array<{ level: string; message: string }> = [];

beforeAll(() => {
	// Quiet DI singletons (no ~/.n8n, no background timers) for the engine; then a logger we can read.
	setUpN8nContainer();
	const logger = {
		error: (message: string) => logs.push({ level: 'error', message }),
		warn: (message: string) => logs.push({ level: 'warn', message }),
		info: (message: string) => logs.push({ level: 'info', message }),
		debug: (message: string) => logs.push({ level: 'debug', message }),
		scoped: () => logger,
	};
	Container.set(Logger, logger as unknown as Logger);
	nock.disableNetConnect();
});
let processed: ProcessedStore;
beforeEach(async () => {
	forgetTriggerState();
	processed = new ProcessedStore();
	await useProcessedStore(processed);
});
afterEach(() => {
	logs.length = 0;
	nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe('inside n8n-core contexts and engine', () => {
	it('n8n resolves responseMode from "Answer OK" (onReceived by default, responseNode for whenRunStarts) and responseData to OK', () => {
		const resolve = (parameters: INodeParameters) => {
			const env = setup(parameters);
			return trigger.description.webhooks!.map((webhook) => [
				env.workflow.expression.getSimpleParameterValue(
					env.node,
					webhook.responseMode as string,
					'webhook',
					{},
					undefined,
					'onReceived',
				),
				env.workflow.expression.getComplexParameterValue(
					env.node,
					webhook.responseData as string,
					'webhook',
					{},
					undefined,
					'firstEntryJson',
				),
			]);
		};
		expect(resolve({})).toEqual([
			['onReceived', 'OK'],
			['onReceived', 'OK'],
		]);
		expect(resolve({ options: { answerOk: 'whenStored' } })).toEqual([
			['onReceived', 'OK'],
			['onReceived', 'OK'],
		]);
		expect(resolve({ options: { answerOk: 'whenRunStarts', fetchSaleDetails: true } })).toEqual([
			['responseNode', 'OK'],
			['responseNode', 'OK'],
		]);
	});

	it('default options: webhook() hands the item to n8n unanswered and changes no static data; the engine runs execute() on it', async () => {
		const env = setup({});
		const order: string[] = [];
		const delivery = await deliver(env, signedQuery(PURCHASE), 'webhook', order);
		// n8n answers (responseData "OK") once it has stored the execution; the node only set the type.
		expect(delivery.sent).toEqual({ type: 'text/plain' });
		expect(Object.keys(delivery.result)).toEqual(['workflowData']);
		const item = delivery.result.workflowData![0][0].json;
		expect(item).toMatchObject({
			event: 'purchase',
			saleID: '700001',
			amount: 19.99,
			httpMethod: 'GET',
			idempotencyKey: `${TEST_SHOP_ID}:700001:purchase`,
		});
		expect(item).not.toHaveProperty('sale');
		// Nothing for n8n's WorkflowStaticDataService to save.
		expect((env.workflow.staticData as { __dataChanged?: boolean }).__dataChanged).toBe(false);

		const execution = await execute(env, delivery.result, order);
		expect(execution.output).toEqual([{ json: item, pairedItem: { item: 0 } }]);
		expect(execution.responses).toEqual([]);
		expect(order).toEqual(['webhook resolved', 'execution finished']);
	});

	it("a repeat through n8n-core's deduplication helpers: webhook() hands it over, n8n stores its execution, which passes nothing on", async () => {
		const first = setup({});
		const delivery = await deliver(first, signedQuery(PURCHASE));
		expect((await execute(first, delivery.result)).output).toHaveLength(1);
		expect(processed.keys).toContain(`${TEST_SHOP_ID}:700001:purchase`);

		// Next request: n8n loads the workflow again; the repeat comes signed with SHA-1 this time.
		const next = setup({});
		const repeat = await deliver(next, signedQuery(PURCHASE, 'sha1'));
		expect(repeat.sent).toEqual({ type: 'text/plain' });
		expect(Object.keys(repeat.result)).toEqual(['workflowData']);
		const execution = await execute(next, repeat.result);
		expect(execution.output).toEqual([]);
		expect(logs).toEqual([
			{
				level: 'info',
				message:
					'Verotel FlexPay Trigger passed a repeated postback on to nothing: an earlier execution already recorded it',
			},
		]);
	});

	it('"Answer OK" = when the workflow starts: execute() in the engine answers OK through the sendResponse hook', async () => {
		const env = setup({ options: { answerOk: 'whenRunStarts' } });
		const order: string[] = [];
		const delivery = await deliver(env, signedQuery(PURCHASE), 'webhook', order);
		expect(delivery.sent).toEqual({ type: 'text/plain' });
		const execution = await execute(env, delivery.result, order);
		expect(execution.responses).toEqual([OK_ANSWER]);
		expect(order).toEqual(['webhook resolved', 'sendResponse', 'execution finished']);
		expect(execution.output?.[0].json).toMatchObject({ event: 'purchase', saleID: '700001' });
	});

	it('the Options collection as n8n resolves it (events filter)', async () => {
		const env = setup({ options: { events: ['purchase'] } });
		const credit = await deliver(env, signedQuery(CREDIT));
		expect(credit.sent).toEqual({ status: 200, type: 'text/plain', body: 'OK' });
		expect(credit.result).toEqual({ noWebhookResponse: true });
		const purchase = await deliver(env, signedQuery(PURCHASE));
		expect(purchase.result.workflowData?.[0][0].json.event).toBe('purchase');
	});

	it('a bad signature gives 401, a warning through n8n’s logger, no item', async () => {
		const env = setup({});
		const { result, sent } = await deliver(
			env,
			signedQuery(PURCHASE).replace('priceAmount=19.99', 'priceAmount=1.99'),
		);
		expect(sent).toEqual({ status: 401, type: 'text/plain', body: 'Unauthorized' });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(logs).toEqual([expect.objectContaining({ level: 'warn' })]);
	});

	it('Fetch Sale Details: no request from webhook(), then through the ExecuteContext’s real this.helpers.httpRequestWithAuthentication', async () => {
		const requests: string[] = [];
		const scope = nock('https://secure.verotel.com')
			.get('/salestatus')
			.query(
				(q) =>
					q.saleID === '700001' &&
					q.shopID === TEST_SHOP_ID &&
					q.version === '4' &&
					/^[0-9a-f]{64}$/.test(String(q.signature)),
			)
			.reply(() => {
				requests.push('salestatus');
				return [
					200,
					'response: FOUND\nsaleID: 700001\nsaleResult: APPROVED\nemail: buyer@example.com\n',
				];
			});
		const env = setup({ options: { fetchSaleDetails: true } });
		const delivery = await deliver(env, signedQuery(PURCHASE));
		expect(requests).toEqual([]);
		expect(delivery.result.workflowData?.[0][0].json).not.toHaveProperty('sale');

		const execution = await execute(env, delivery.result);
		expect(scope.isDone()).toBe(true);
		expect(execution.responses).toEqual([]);
		expect(execution.output?.[0].json).toMatchObject({
			event: 'purchase',
			sale: { saleResult: 'APPROVED', email: 'buyer@example.com' },
			saleLookup: { ok: true, response: 'FOUND', httpStatus: 200 },
		});
		expect(JSON.stringify({ delivery, output: execution.output, logs })).not.toContain(
			TEST_SIGNATURE_KEY,
		);
	});

	it('"Answer OK" = when the workflow starts with Fetch Sale Details: the OK leaves after the status request, as the last step', async () => {
		const order: string[] = [];
		nock('https://secure.verotel.com')
			.get('/salestatus')
			.query(true)
			.reply(() => {
				order.push('status request');
				return [200, 'response: NOTFOUND\n'];
			});
		const env = setup({ options: { answerOk: 'whenRunStarts', fetchSaleDetails: true } });
		const delivery = await deliver(env, signedQuery(PURCHASE), 'webhook', order);
		const execution = await execute(env, delivery.result, order);
		expect(order).toEqual([
			'webhook resolved',
			'status request',
			'sendResponse',
			'execution finished',
		]);
		expect(execution.responses).toEqual([OK_ANSWER]);
		expect(execution.output?.[0].json).toMatchObject({
			saleLookup: { ok: false, response: 'NOTFOUND' },
		});
	});

	it("test mode (manual): every call runs, n8n's deduplication store is not touched", async () => {
		for (let i = 0; i < 2; i++) {
			const env = setup({});
			const delivery = await deliver(env, signedQuery(PURCHASE), 'manual');
			expect(delivery.sent).toEqual({ type: 'text/plain' });
			const execution = await execute(env, delivery.result, [], 'manual');
			expect(execution.output?.[0].json.event).toBe('purchase');
		}
		expect(processed.calls).toEqual([]);
	});

	it('checkExists (activation) logs the production URL n8n builds, and the lifecycle methods are no-ops', async () => {
		const env = setup({});
		const hook = new HookContext(
			env.workflow,
			env.node,
			env.additionalData,
			'webhook',
			'activate',
			webhookDataOf(env),
		);
		await expect(trigger.webhookMethods.default.checkExists.call(hook)).resolves.toBe(true);
		await expect(trigger.webhookMethods.default.create.call(hook)).resolves.toBe(true);
		await expect(trigger.webhookMethods.default.delete.call(hook)).resolves.toBe(true);
		expect(logs).toEqual([
			{
				level: 'info',
				message: expect.stringContaining(`https://n8n.example.com/webhook/${WEBHOOK_ID}/webhook`),
			},
		]);
	});
});
