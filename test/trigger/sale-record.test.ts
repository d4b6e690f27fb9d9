/**
 * The repeat check inside the execution (saleRecord.ts): sale-opening keys go
 * to n8n's deduplication store, modelled by ProcessedStore as n8n runs it (one
 * row, read and written whole a round trip apart). Each delivery here has its
 * own static data, as when a repeat reaches another n8n process or a key was
 * overwritten in static data.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { forgetCachedCredentials } from '../../nodes/VerotelFlexPayTrigger/credentialCache';
import { forgetDeliveriesInFlight } from '../../nodes/VerotelFlexPayTrigger/repeatStore';

import * as saleRecord from '../../nodes/VerotelFlexPayTrigger/saleRecord';
import { REPAIR_PAUSE_MS, WRITE_TIMEOUT_MS } from '../../nodes/VerotelFlexPayTrigger/processedRow';
import {
	forgetRecordedSales,
	MAX_RECORDED_SALES,
} from '../../nodes/VerotelFlexPayTrigger/saleRecord';
import { deliverAndExecute } from './delivery';
import { executeHarness, outputItemOf } from './execute-harness';
import { CANCEL, PURCHASE, REBILL, SHOP, signedQuery, UNCANCEL } from './fixtures';
import { ProcessedStore } from './processed-store';
import { harness, itemOf } from './webhook-harness';

beforeEach(() => {
	forgetCachedCredentials();
	forgetDeliveriesInFlight();
	forgetRecordedSales();
});

/** A delivery in an n8n process of its own: fresh static data, nothing in flight or written. */
async function deliver(
	params: typeof PURCHASE,
	processed: ProcessedStore,
	extra: Parameters<typeof deliverAndExecute>[0] = {},
) {
	forgetDeliveriesInFlight();
	forgetRecordedSales();
	return await deliverAndExecute({
		query: signedQuery(params),
		staticData: {},
		processed,
		...extra,
	});
}

const purchaseOf = (saleID: string) => ({ ...PURCHASE, saleID });

describe("execute(): sale-opening keys in n8n's deduplication store", () => {
	it('a purchase delivered again in another process stores its execution but passes no item on', async () => {
		const processed = new ProcessedStore();
		const first = await deliver(PURCHASE, processed);
		expect(outputItemOf(first.output).saleID).toBe('700001');

		const repeat = await deliver(PURCHASE, processed);
		expect(repeat.result.workflowData).toBeDefined();
		expect(repeat.output).toEqual([[]]);
		expect(repeat.e?.logs.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([
			'Verotel FlexPay Trigger passed a repeated postback on to nothing: an earlier run already opened its sale',
		]);
		expect(processed.calls.map((c) => [c.scope, c.options])).toEqual([
			['node', { mode: 'entries', maxEntries: 2 * MAX_RECORDED_SALES }],
			['node', { mode: 'entries', maxEntries: 2 * MAX_RECORDED_SALES }],
		]);
	});

	it('the same execution run again (queue mode retries the job of a dead worker) passes its item on', async () => {
		const processed = new ProcessedStore();
		const json = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const first = await executeHarness({ items: [{ json }], processed, executionId: '41' }).run();
		forgetRecordedSales(); // the retry runs on another worker
		const retry = await executeHarness({ items: [{ json }], processed, executionId: '41' }).run();
		const other = await executeHarness({ items: [{ json }], processed, executionId: '42' }).run();
		expect([first, retry, other].map((o) => o[0].length)).toEqual([1, 1, 0]);
	});

	it('remembers the last 5,000 sales', async () => {
		const processed = new ProcessedStore();
		const template = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const itemsOf = (...saleIDs: number[]) =>
			saleIDs.map((n) => ({
				json: { ...template, saleID: String(n), idempotencyKey: `${SHOP}:${n}:purchase` },
			}));
		const run = async (...saleIDs: number[]) =>
			(await executeHarness({ items: itemsOf(...saleIDs), processed }).run())[0].length;
		expect(MAX_RECORDED_SALES).toBe(5000);
		// One run with 5,001 sales: the oldest falls out.
		expect(await run(...Array.from({ length: MAX_RECORDED_SALES + 1 }, (_, i) => 100000 + i))).toBe(
			MAX_RECORDED_SALES + 1,
		);
		expect(await run(100001)).toBe(0);
		expect(await run(100000)).toBe(1);
	});

	it('50 purchases run at once in one process all keep their key: a redelivery of each passes nothing on', async () => {
		const processed = new ProcessedStore();
		const sales = Array.from({ length: 50 }, (_, i) => String(800000 + i));
		const items = await Promise.all(
			sales.map(async (saleID) =>
				itemOf(await harness({ query: signedQuery(purchaseOf(saleID)) }).run()),
			),
		);
		const outputs = await Promise.all(
			items.map(async (json) => await executeHarness({ items: [{ json }], processed }).run()),
		);
		expect(outputs.map((o) => o[0].length)).toEqual(sales.map(() => 1));
		expect(processed.keys).toHaveLength(100);

		const again = await Promise.all(
			items.map(async (json) => await executeHarness({ items: [{ json }], processed }).run()),
		);
		expect(again.map((o) => o[0].length)).toEqual(sales.map(() => 0));
		// Runs that arrive while the row is being written share the next write.
		expect(processed.calls.length).toBeLessThan(10);
	});

	it('two executions of one sale in the same write: the first claim runs, the other passes nothing on', async () => {
		const processed = new ProcessedStore();
		const json = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const other = itemOf(await harness({ query: signedQuery(purchaseOf('700009')) }).run());
		// The first run holds the row; the next three wait and share one write.
		const outputs = await Promise.all(
			[other, json, json, json].map(
				async (item) => await executeHarness({ items: [{ json: item }], processed }).run(),
			),
		);
		expect(outputs.map((o) => o[0].length)).toEqual([1, 1, 0, 0]);
		// The first write's two entries again, then one key and three execution entries.
		expect(processed.calls.map((c) => c.items.length)).toEqual([2, 6]);
	});

	it('later events of a sale stay out of it: cancel -> uncancel -> cancel runs three times', async () => {
		const processed = new ProcessedStore();
		const staticData: IDataObject = {};
		for (const params of [CANCEL, UNCANCEL, CANCEL, REBILL]) {
			const delivery = await deliverAndExecute({
				query: signedQuery(params),
				staticData,
				processed,
			});
			expect(outputItemOf(delivery.output).event).toBe(params.event);
		}
		expect(processed.calls).toEqual([]);
	});

	it('test events (manual mode) and "Ignore Repeated Postbacks" off never consult it', async () => {
		const processed = new ProcessedStore();
		for (const extra of [{ mode: 'manual' as const }, { options: { ignoreRepeats: false } }]) {
			await deliver(PURCHASE, processed, extra);
			const again = await deliver(PURCHASE, processed, extra);
			expect(outputItemOf(again.output).saleID).toBe('700001');
		}
		expect(processed.calls).toEqual([]);
	});

	it('when the store fails, the item runs and the error is logged (execute() holds no key to leak)', async () => {
		const processed = new ProcessedStore();
		processed.failWith = new Error(
			'Deduplication data was originally saved with an incompatible setting',
		);
		const delivery = await deliver(PURCHASE, processed);
		expect(outputItemOf(delivery.output).saleID).toBe('700001');
		expect(delivery.e?.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
			"Verotel FlexPay Trigger could not check n8n's deduplication store for a repeated postback, running anyway: Deduplication data was originally saved with an incompatible setting",
		]);
		expect(delivery.e?.ctx.getCredentials).not.toHaveBeenCalled();
	});

	it('an n8n without the store runs every item', async () => {
		const first = await deliverAndExecute({ query: signedQuery(PURCHASE), staticData: {} });
		forgetDeliveriesInFlight();
		const again = await deliverAndExecute({ query: signedQuery(PURCHASE), staticData: {} });
		expect([outputItemOf(first.output).saleID, outputItemOf(again.output).saleID]).toEqual([
			'700001',
			'700001',
		]);
	});
});

/** The context saleRecord.ts needs, on `store`: one trigger of one workflow. */
const context = (store: ProcessedStore, executionId: string) =>
	({
		helpers: {
			checkProcessedAndRecord: store.checkProcessedAndRecord.bind(store),
			removeProcessed: store.removeProcessed.bind(store),
		},
		getWorkflow: () => ({ id: 'wf-shared' }),
		getNode: () => ({ id: 'trigger-1', name: 'Verotel FlexPay Trigger' }),
		getExecutionId: () => executionId,
	}) as unknown as IExecuteFunctions;
const sale = (saleID: string): INodeExecutionData[] => [
	{ json: { saleID, idempotencyKey: `${SHOP}:${saleID}:purchase` } },
];

describe("n8n's deduplication store shared by two n8n processes", () => {
	/** A second copy of saleRecord.ts: what another n8n process (a queue-mode worker) holds. */
	function otherProcess(): typeof saleRecord {
		let copy: typeof saleRecord | undefined;
		jest.isolateModules(() => {
			copy = jest.requireActual<typeof saleRecord>('../../nodes/VerotelFlexPayTrigger/saleRecord');
		});
		return copy!;
	}

	it("a key dropped by the other process's overlapping write is written again: its redelivery passes nothing on", async () => {
		const store = new ProcessedStore();
		const a = saleRecord;
		const b = otherProcess();
		// Both read the empty row, then both write: B's write drops A's key.
		const [ranA, ranB] = await Promise.all([
			a.recordSaleOpenings.call(context(store, 'a1'), sale('910001')),
			b.recordSaleOpenings.call(context(store, 'b1'), sale('910002')),
		]);
		expect([ranA.length, ranB.length]).toEqual([1, 1]);
		expect(store.keys.some((k) => k.startsWith(`${SHOP}:910001:`))).toBe(false);

		// Once neither process has runs waiting, each writes its entries again after a pause.
		await new Promise((resolve) => setTimeout(resolve, REPAIR_PAUSE_MS.max + 200));
		expect(store.keys).toEqual(
			expect.arrayContaining([`${SHOP}:910001:purchase`, `${SHOP}:910002:purchase`]),
		);
		const c = otherProcess();
		expect((await c.recordSaleOpenings.call(context(store, 'c1'), sale('910001'))).length).toBe(0);
		expect((await c.recordSaleOpenings.call(context(store, 'c2'), sale('910002'))).length).toBe(0);
	});
});

describe("n8n's deduplication store: a sale taken out again (a run n8n cancelled before its OK)", () => {
	it('stays out: neither a write in flight (which restates it) nor the repair write puts it back', async () => {
		const store = new ProcessedStore();
		expect(
			await saleRecord.recordSaleOpenings.call(context(store, 'x1'), sale('930001')),
		).toHaveLength(1);
		// Another run's write starts: it reads the row and restates what this process wrote lately.
		const other = saleRecord.recordSaleOpenings.call(context(store, 'y1'), sale('930002'));
		await new Promise((resolve) => setImmediate(resolve));
		await saleRecord.releaseSaleOpenings.call(context(store, 'x1'), sale('930001'));
		expect(await other).toHaveLength(1);
		await new Promise((resolve) => setTimeout(resolve, REPAIR_PAUSE_MS.max + 200));
		expect(store.keys.filter((key) => key.includes(':930001:'))).toEqual([]);
		expect(store.keys).toContain(`${SHOP}:930002:purchase`);
		// Verotel's next delivery of the sale runs.
		expect(
			await saleRecord.recordSaleOpenings.call(context(store, 'x2'), sale('930001')),
		).toHaveLength(1);
	});
});

describe("n8n's deduplication store: no postback waits long", () => {
	// Fake clocks for n8n-workflow's sleep (the repair pause, the write timeout); the store's own
	// round trips (setImmediate) stay real.
	beforeEach(() =>
		jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }),
	);
	afterEach(() => jest.useRealTimers());

	it('a run that arrives during the repair pause is written at once, not after the pause', async () => {
		const processed = new ProcessedStore();
		const first = itemOf(await harness({ query: signedQuery(purchaseOf('920001')) }).run());
		const second = itemOf(await harness({ query: signedQuery(purchaseOf('920002')) }).run());
		expect(
			outputItemOf(await executeHarness({ items: [{ json: first }], processed }).run()).saleID,
		).toBe('920001');
		// The writer now pauses before its repair write (a fake timer): the next run must not wait for it.
		expect(jest.getTimerCount()).toBeGreaterThan(0);
		expect(
			outputItemOf(await executeHarness({ items: [{ json: second }], processed }).run()).saleID,
		).toBe('920002');
		expect(processed.calls).toHaveLength(2);
	});

	it(`a store that does not answer within ${WRITE_TIMEOUT_MS / 1000} s: the run goes on with its item, the error is logged`, async () => {
		const processed = new ProcessedStore();
		processed.checkProcessedAndRecord = async () => await new Promise<never>(() => undefined);
		const json = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const e = executeHarness({ items: [{ json }], processed });
		const running = e.run();
		await jest.advanceTimersByTimeAsync(WRITE_TIMEOUT_MS);
		expect(outputItemOf(await running).saleID).toBe('700001');
		expect(e.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
			`Verotel FlexPay Trigger could not check n8n's deduplication store for a repeated postback, running anyway: n8n's deduplication store did not answer within ${WRITE_TIMEOUT_MS / 1000} s`,
		]);
	});
});
