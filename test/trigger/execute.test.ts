/**
 * execute(): n8n runs it inside the execution it stored for the postback, with
 * webhook()'s workflowData as input (n8n calls a node type's execute() when it
 * has one). It passes the items on, answers OK itself with "Answer OK" = when
 * the workflow starts, and runs the optional status lookup.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { forgetDeliveriesInFlight } from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import { deliverAndExecute } from './delivery';
import { asSent, executeHarness, OK_ANSWER, outputItemOf } from './execute-harness';
import { CREDIT, PURCHASE, signedQuery } from './fixtures';
import { ProcessedStore } from './processed-store';
import { forgetTriggerState, harness, itemOf } from './webhook-harness';

beforeEach(forgetTriggerState);

const FOUND = 'response: FOUND\nsaleID: 700001\nsaleResult: APPROVED\nemail: buyer@example.com\n';

async function webhookItem(params = PURCHASE): Promise<IDataObject> {
	return itemOf(await harness({ query: signedQuery(params) }).run());
}

describe('execute(): items', () => {
	it('passes every input item on as a new object with pairedItem { item: index }', async () => {
		const items: INodeExecutionData[] = [
			{ json: await webhookItem(PURCHASE) },
			{ json: await webhookItem(CREDIT) },
		];
		const snapshot = JSON.parse(JSON.stringify(items)) as unknown;
		const e = executeHarness({ items });
		const output = await e.run();
		expect(output).toEqual([
			[
				{ json: items[0].json, pairedItem: { item: 0 } },
				{ json: items[1].json, pairedItem: { item: 1 } },
			],
		]);
		expect(output[0][0]).not.toBe(items[0]);
		expect(output[0][0].json).not.toBe(items[0].json);
		expect(items).toEqual(snapshot);
	});

	it('without "Fetch Sale Details" it reads no credential and makes no request', async () => {
		const e = executeHarness({ items: [{ json: await webhookItem() }] });
		outputItemOf(await e.run());
		expect(e.ctx.getCredentials).not.toHaveBeenCalled();
		expect(e.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('the webhook item goes through unchanged: the postback fields, idempotencyKey, params', async () => {
		const json = await webhookItem();
		const out = outputItemOf(await executeHarness({ items: [{ json }] }).run());
		expect(out).toEqual(json);
	});

	it('with "Fetch Sale Details", the lookup is added to the copy, never to the input item', async () => {
		const json = await webhookItem();
		const e = executeHarness({
			items: [{ json }],
			options: { fetchSaleDetails: true },
			httpRequestWithAuthentication: async () => ({ statusCode: 200, body: FOUND }),
		});
		const out = outputItemOf(await e.run());
		expect(out).toMatchObject({
			event: 'purchase',
			sale: { saleResult: 'APPROVED', email: 'buyer@example.com' },
			saleLookup: { ok: true },
		});
		expect(json).not.toHaveProperty('sale');
		expect(json).not.toHaveProperty('saleLookup');
	});

	it('one status request per item, each for its own sale', async () => {
		const saleIDs: unknown[] = [];
		const items = [
			{ json: await webhookItem(PURCHASE) },
			{ json: await webhookItem({ ...PURCHASE, saleID: '700009', transactionID: '900009' }) },
		];
		const e = executeHarness({
			items,
			options: { fetchSaleDetails: true },
			httpRequestWithAuthentication: async (_type, options) => {
				saleIDs.push(options.qs?.saleID);
				return { statusCode: 200, body: 'response: NOTFOUND\n' };
			},
		});
		const output = await e.run();
		expect(saleIDs).toEqual(['700001', '700009']);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(e.ctx.getCredentials).toHaveBeenCalledTimes(1);
	});
});

describe('execute(): who answers Verotel', () => {
	it('default ("When the Execution Is Stored"): never calls sendResponse, n8n answers', async () => {
		for (const options of [{}, { answerOk: 'whenStored' }, { fetchSaleDetails: true }]) {
			const e = executeHarness({
				items: [{ json: await webhookItem() }],
				options,
				httpRequestWithAuthentication: async () => ({ statusCode: 200, body: FOUND }),
			});
			outputItemOf(await e.run());
			expect(e.ctx.sendResponse).not.toHaveBeenCalled();
		}
	});

	it('"When the Workflow Starts": sends OK as text/plain exactly once, as its last step', async () => {
		const e = executeHarness({
			items: [{ json: await webhookItem() }],
			options: { answerOk: 'whenRunStarts' },
			processed: new ProcessedStore(),
		});
		outputItemOf(await e.run());
		// "OK" as text/plain, whether n8n is handed a string or a Buffer.
		expect(e.ctx.sendResponse.mock.calls.map(([response]) => asSent(response))).toEqual([
			OK_ANSWER,
		]);
		expect(e.events).toEqual(['sendResponse:200:OK', 'execute:resolved']);
		expect(e.ctx.getCredentials).not.toHaveBeenCalled();
	});

	// n8n 1.x cancels such runs on SIGTERM and saves one cancelled while its trigger waits without
	// the postback: nothing may wait between the OK and the trigger's return.
	it('"When the Workflow Starts" with "Fetch Sale Details": the status request first, then the OK', async () => {
		const e = executeHarness({
			items: [{ json: await webhookItem() }],
			options: { answerOk: 'whenRunStarts', fetchSaleDetails: true },
			httpRequestWithAuthentication: async () => ({ statusCode: 200, body: FOUND }),
		});
		outputItemOf(await e.run());
		expect(e.events).toEqual([
			'execute:getCredentials',
			'execute:statusRequest',
			'sendResponse:200:OK',
			'execute:resolved',
		]);
	});

	it('"Grant Access Only When Confirmed": an unconfirmed sale changes access on the copy only; the OK still leaves last', async () => {
		const json = await webhookItem();
		const e = executeHarness({
			items: [{ json }],
			options: { answerOk: 'whenRunStarts', grantOnlyWhenConfirmed: true },
			httpRequestWithAuthentication: async () => ({
				statusCode: 200,
				body: 'response: NOTFOUND\n',
			}),
		});
		const item = outputItemOf(await e.run());
		expect(item.access).toMatchObject({ action: 'none', withheld: 'grant' });
		expect(json.access).toEqual({ action: 'grant', saleID: '700001' });
		expect(e.events).toEqual([
			'execute:getCredentials',
			'execute:statusRequest',
			'sendResponse:200:OK',
			'execute:resolved',
		]);
	});

	it('"When the Workflow Starts": a credential that cannot be read still gets the postback its OK', async () => {
		const e = executeHarness({
			items: [{ json: await webhookItem() }],
			options: { answerOk: 'whenRunStarts', fetchSaleDetails: true },
			credentials: new Error('credential store unavailable'),
		});
		const item = outputItemOf(await e.run());
		expect(item.saleLookup).toEqual({
			ok: false,
			reason: 'The credential could not be read: credential store unavailable',
		});
		expect(item).toMatchObject({
			confirmed: false,
			confirmation: { reason: 'The credential could not be read: credential store unavailable' },
		});
		expect(e.responses).toEqual([OK_ANSWER]);
	});

	it('"When the Workflow Starts", cancelled by n8n while the trigger waits: no OK, and the postback Verotel sends again runs', async () => {
		const processed = new ProcessedStore();
		const json = await webhookItem();
		const cancel = new AbortController();
		// n8n 1.x on SIGTERM: the run is cancelled while its sale is being recorded.
		processed.duringWrite = () => cancel.abort();
		const cancelled = executeHarness({
			items: [{ json }],
			options: { answerOk: 'whenRunStarts' },
			processed,
			cancelSignal: cancel.signal,
		});
		await cancelled.run();
		expect(cancelled.responses).toEqual([]);
		expect(processed.keys).toEqual([]);
		expect(cancelled.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
			'Verotel FlexPay Trigger did not answer OK: n8n cancelled the run first, so Verotel will send the postback again',
		]);

		processed.duringWrite = undefined;
		const again = executeHarness({
			items: [{ json }],
			options: { answerOk: 'whenRunStarts' },
			processed,
		});
		expect(outputItemOf(await again.run()).saleID).toBe(json.saleID);
		expect(again.responses).toEqual([OK_ANSWER]);
		// And it is recorded as usual: one more delivery passes nothing on.
		const third = executeHarness({
			items: [{ json }],
			options: { answerOk: 'whenRunStarts' },
			processed,
		});
		expect(await third.run()).toEqual([[]]);
		expect(third.responses).toEqual([OK_ANSWER]);
	});

	it('"When the Workflow Starts", cancelled during the status request: no OK, nothing recorded', async () => {
		const processed = new ProcessedStore();
		const cancel = new AbortController();
		const e = executeHarness({
			items: [{ json: await webhookItem() }],
			options: { answerOk: 'whenRunStarts', fetchSaleDetails: true },
			processed,
			cancelSignal: cancel.signal,
			httpRequestWithAuthentication: async () => {
				cancel.abort();
				return { statusCode: 200, body: FOUND };
			},
		});
		await e.run();
		expect(e.responses).toEqual([]);
		// Not even written and taken out again: the store is not touched.
		expect(processed.calls).toEqual([]);
	});
});

describe('webhook() -> execute(), as n8n chains them', () => {
	it('the run gets the postback item, n8n answers OK (whenStored)', async () => {
		const { h, result, e, output } = await deliverAndExecute({ query: signedQuery(PURCHASE) });
		expect(outputItemOf(output)).toEqual(itemOf(result));
		expect(h.res.sendCount).toBe(0);
		expect(e?.responses).toEqual([]);
	});

	it('whenRunStarts: neither webhook() nor n8n writes the OK before execute() sends it', async () => {
		const { h, e } = await deliverAndExecute({
			query: signedQuery(PURCHASE),
			options: { answerOk: 'whenRunStarts' },
		});
		expect(h.res.sendCount).toBe(0);
		expect(h.events.filter((event) => /^(status|send|type|sendResponse):/.test(event))).toEqual([
			'type:text/plain',
			'sendResponse:200:OK',
		]);
		expect(e?.responses).toEqual([OK_ANSWER]);
	});

	it('no run (rejection, deselected event, repeat) means no execute()', async () => {
		const rejected = await deliverAndExecute({
			query: signedQuery(PURCHASE).replace('19.99', '1.99'),
			options: { answerOk: 'whenRunStarts' },
		});
		const deselected = await deliverAndExecute({
			query: signedQuery(CREDIT),
			options: { events: ['purchase'], answerOk: 'whenRunStarts' },
		});
		const staticData: IDataObject = {};
		expect(
			(
				await deliverAndExecute({
					query: signedQuery(PURCHASE),
					staticData,
					options: { answerOk: 'whenRunStarts' },
				})
			).e,
		).toBeDefined();
		const repeat = await deliverAndExecute({
			query: signedQuery(PURCHASE),
			staticData,
			options: { answerOk: 'whenRunStarts' },
		});
		for (const delivery of [rejected, deselected, repeat]) {
			expect(delivery.e).toBeUndefined();
			expect(delivery.h.res.sendCount).toBe(1);
		}
	});
});

describe('execute(): the repeat store is written from inside the run', () => {
	// n8n 2.x saves static data a run changed when the run ends, and does not save the webhook's
	// change (its run() wraps the same static data again, clearing the change mark first). The run
	// records the key again so the store survives a restart and reaches other webhook processes.
	it("records each item's key under its scope, as webhook() does", async () => {
		const credit = await webhookItem(CREDIT);
		const purchase = await webhookItem(PURCHASE);
		const staticData: IDataObject = {};
		await executeHarness({ items: [{ json: purchase }, { json: credit }], staticData }).run();
		const keys = Object.values(staticData.lastPostbackKeys as Record<string, string>);
		expect(keys).toEqual([purchase.idempotencyKey, credit.idempotencyKey]);
		expect(Object.keys(staticData.lastPostbackKeys as object)).toEqual([
			purchase.idempotencyKey,
			`${String(credit.shopID)}:${String(credit.saleID)}:events`,
		]);
	});

	it('a redelivery is a repeat when only what the run wrote is saved (n8n 2.x)', async () => {
		const copy = (data: IDataObject) => JSON.parse(JSON.stringify(data)) as IDataObject;
		let database: IDataObject = {};
		const first = await harness({ query: signedQuery(PURCHASE), staticData: copy(database) }).run();
		// The run gets the static data as loaded for the request; n8n saves what the run left.
		const runStaticData = copy(database);
		await executeHarness({ items: first.workflowData?.[0] ?? [], staticData: runStaticData }).run();
		database = copy(runStaticData);
		forgetDeliveriesInFlight(); // another webhook process, or after a restart: nothing in memory
		const again = harness({ query: signedQuery(PURCHASE), staticData: copy(database) });
		expect(await again.run()).toEqual({ noWebhookResponse: true });
		expect(again.res).toMatchObject({ statusCode: 200, body: 'OK', sendCount: 1 });
	});

	it('records nothing with "Ignore Repeats" off or in a manual (test) run', async () => {
		for (const call of [{ options: { ignoreRepeats: false } }, { mode: 'manual' as const }]) {
			const staticData: IDataObject = {};
			await executeHarness({ items: [{ json: await webhookItem() }], staticData, ...call }).run();
			expect(staticData).toEqual({});
		}
	});
});
