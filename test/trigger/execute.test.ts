/**
 * execute(): n8n runs it inside the execution it stored for the postback, with
 * webhook()'s workflowData as input (n8n calls a node type's execute() when it
 * has one). It passes the items on, answers OK itself with "Answer OK" = when
 * the workflow starts, and runs the optional status lookup.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

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

	it('"When the Execution Is Stored" with "Fetch Sale Details": the record first, so a repeat asks the status service nothing', async () => {
		const json = await webhookItem();
		const processed = new ProcessedStore();
		let statusRequests = 0;
		const run = async () =>
			await executeHarness({
				items: [{ json }],
				options: { fetchSaleDetails: true },
				processed,
				httpRequestWithAuthentication: async () => {
					statusRequests++;
					// The record is written before the lookup asks.
					expect(processed.keys).toContain(json.idempotencyKey);
					return { statusCode: 200, body: FOUND };
				},
			}).run();
		expect(outputItemOf(await run()).saleLookup).toMatchObject({ ok: true });
		expect(await run()).toEqual([[]]);
		expect(statusRequests).toBe(1);
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
		expect(json.access).toEqual({ action: 'grant', untilSource: 'oneOff', saleID: '700001' });
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

	it('no run (rejection, deselected event) means no execute()', async () => {
		const rejected = await deliverAndExecute({
			query: signedQuery(PURCHASE).replace('19.99', '1.99'),
			options: { answerOk: 'whenRunStarts' },
		});
		const deselected = await deliverAndExecute({
			query: signedQuery(CREDIT),
			options: { events: ['purchase'], answerOk: 'whenRunStarts' },
		});
		for (const delivery of [rejected, deselected]) {
			expect(delivery.e).toBeUndefined();
			expect(delivery.h.res.sendCount).toBe(1);
		}
	});

	it('a repeat with "When the Workflow Starts": handed over, its run answers OK and passes nothing on', async () => {
		const processed = new ProcessedStore();
		const call = {
			query: signedQuery(PURCHASE),
			options: { answerOk: 'whenRunStarts' },
			processed,
			workflowId: 'wf-repeat-ok',
		};
		outputItemOf((await deliverAndExecute(call)).output);
		const repeat = await deliverAndExecute(call);
		expect(repeat.h.res.sendCount).toBe(0);
		expect(repeat.output).toEqual([[]]);
		// Verotel gets its OK, or it would send the repeat again and again.
		expect(repeat.e?.responses).toEqual([OK_ANSWER]);
	});
});
