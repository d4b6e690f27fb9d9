/**
 * Repeated postbacks (docs/design/delivery.md §2–§4): webhook() hands every
 * verified postback over, a repeat too; the run records each postback's
 * idempotencyKey in n8n's deduplication store (repeats.ts) and passes on only
 * what no earlier execution recorded. n8n's store is modelled by
 * ProcessedStore as n8n runs it: one row, read, then written whole a round
 * trip later.
 *
 * Deliveries here go through webhook() and then execute(), as n8n chains them
 * (deliverAndExecute), to one trigger (TRIGGER) unless a test says otherwise.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FlexPayParams } from '../../lib';
import * as repeats from '../../nodes/VerotelFlexPayTrigger/repeats';
import {
	forgetRecords,
	MAX_RECORDED_POSTBACKS,
	REPAIR_PAUSE_MS,
	RESTATE_MS,
	WRITE_INTERVAL_MS,
} from '../../nodes/VerotelFlexPayTrigger/repeats';
import { TEST_SHOP_ID } from '../fixtures/flexpay';
import { deliverAndExecute, type Delivery } from './delivery';
import { executeHarness, OK_ANSWER, outputItemOf } from './execute-harness';
import {
	CANCEL,
	CHARGEBACK,
	CREDIT,
	EXPIRY,
	idempotencyKeyFor,
	PURCHASE,
	PURCHASE_REDIRECT,
	REBILL,
	signedQuery,
	UNCANCEL,
} from './fixtures';
import { ProcessedStore } from './processed-store';
import { expectHandedToN8n } from './webhook-answers';
import { forgetTriggerState, harness, itemOf, type CallOptions } from './webhook-harness';

const TRIGGER = 'wf-repeats';
const REPEAT_LOG =
	'Verotel FlexPay Trigger passed a repeated postback on to nothing: an earlier execution already recorded it';
const STORE_ERROR =
	"Verotel FlexPay Trigger could not check n8n's deduplication store for a repeated postback, running anyway";

beforeEach(forgetTriggerState);

/** One postback through webhook() and execute() to TRIGGER, with `processed` as n8n's store. */
async function deliver(
	params: FlexPayParams,
	processed: ProcessedStore,
	extra: CallOptions = {},
): Promise<Delivery> {
	return await deliverAndExecute({
		query: signedQuery(params),
		processed,
		workflowId: TRIGGER,
		...extra,
	});
}

/** How many items the run passed on; fails unless webhook() handed the postback over. */
function passedOn(delivery: Delivery): number {
	itemOf(delivery.result);
	expect(delivery.output).toHaveLength(1);
	return delivery.output![0].length;
}

/** Delivers the postbacks in turn; how many items each run passed on. */
async function runsOf(processed: ProcessedStore, ...postbacks: FlexPayParams[]): Promise<number[]> {
	const counts: number[] = [];
	for (const params of postbacks) counts.push(passedOn(await deliver(params, processed)));
	return counts;
}

const purchaseOf = (saleID: string): FlexPayParams => ({ ...PURCHASE, saleID });

/** Verotel's postbacks are plain parameters: a cancel by the merchant differs in cancelledBy only. */
const CANCEL_BY_MERCHANT: FlexPayParams = { ...CANCEL, cancelledBy: 'merchant' };

describe('a repeat is stored and passes nothing on', () => {
	it('a purchase delivered again: webhook() hands it over, its run passes nothing on and says so at info level', async () => {
		const processed = new ProcessedStore();
		const first = await deliver(PURCHASE, processed);
		expect(outputItemOf(first.output).saleID).toBe('700001');

		const repeat = await deliver(PURCHASE, processed);
		// Stored: n8n answers OK once it stored the execution, as for any postback.
		expectHandedToN8n(repeat.h);
		expect(repeat.h.logs).toEqual([]);
		expect(repeat.output).toEqual([[]]);
		expect(repeat.e?.logs).toEqual([
			{
				level: 'info',
				message: REPEAT_LOG,
				meta: {
					event: 'purchase',
					saleID: '700001',
					idempotencyKey: `${TEST_SHOP_ID}:700001:purchase`,
				},
			},
		]);
		// n8n's store refuses a row written with other options ("incompatible setting").
		expect(new Set(processed.calls.map((c) => JSON.stringify([c.scope, c.options])))).toEqual(
			new Set([
				JSON.stringify(['node', { mode: 'entries', maxEntries: 2 * MAX_RECORDED_POSTBACKS }]),
			]),
		);
	});

	it('webhook() never swallows a repeat: it hands every delivery of one postback over', async () => {
		const processed = new ProcessedStore();
		await deliver(CANCEL, processed);
		await deliver(CANCEL, processed);
		for (const mode of ['webhook', 'manual'] as const) {
			const h = harness({ query: signedQuery(CANCEL), workflowId: TRIGGER, mode });
			expect(itemOf(await h.run()).idempotencyKey).toBe(idempotencyKeyFor(CANCEL));
			expectHandedToN8n(h);
			expect(h.logs).toEqual([]);
		}
	});

	it('"When the Workflow Starts": the repeat\'s run still answers OK, so Verotel stops resending', async () => {
		const processed = new ProcessedStore();
		const options = { answerOk: 'whenRunStarts' };
		await deliver(PURCHASE, processed, { options });
		const repeat = await deliver(PURCHASE, processed, { options });
		expect(repeat.output).toEqual([[]]);
		expect(repeat.e?.responses).toEqual([OK_ANSWER]);
	});

	it('the same postback signed with SHA-1 instead of SHA-256 is a repeat', async () => {
		const processed = new ProcessedStore();
		expect(passedOn(await deliver(CANCEL, processed))).toBe(1);
		const sha1 = await deliverAndExecute({
			query: signedQuery(CANCEL, 'sha1'),
			processed,
			workflowId: TRIGGER,
		});
		expect(passedOn(sha1)).toBe(0);
	});

	it('the success redirect of a purchase (fewer parameters) after its postback: the sale opens once', async () => {
		const processed = new ProcessedStore();
		expect(await runsOf(processed, PURCHASE, PURCHASE_REDIRECT)).toEqual([1, 0]);
	});

	it('a purchase redelivered after a refund of the same sale is a repeat', async () => {
		const processed = new ProcessedStore();
		expect(await runsOf(processed, PURCHASE, CREDIT, PURCHASE)).toEqual([1, 1, 0]);
	});

	it('two credits of one sale with different transactionIDs both run', async () => {
		const processed = new ProcessedStore();
		expect(await runsOf(processed, CREDIT, { ...CREDIT, transactionID: '900004' })).toEqual([1, 1]);
	});

	it('each trigger keeps its own record: the same postback to another workflow runs there', async () => {
		const processed = new ProcessedStore();
		expect(passedOn(await deliver(PURCHASE, processed))).toBe(1);
		// n8n keeps a row per workflow and node: another trigger is another row.
		const other = await deliver(PURCHASE, new ProcessedStore(), { workflowId: 'wf-other' });
		expect(passedOn(other)).toBe(1);
	});
});

describe('a set of seen keys: every event of a sale counts, not only the last one', () => {
	it('rebill -> expiry -> the same rebill replayed: the replay passes nothing on', async () => {
		const processed = new ProcessedStore();
		expect(await runsOf(processed, REBILL, EXPIRY, REBILL)).toEqual([1, 1, 0]);
	});

	it('credit -> chargeback -> the same credit replayed: the replay passes nothing on', async () => {
		const processed = new ProcessedStore();
		expect(await runsOf(processed, CREDIT, CHARGEBACK, CREDIT)).toEqual([1, 1, 0]);
	});

	it('a rebill with a new transactionID after an expiry and a replay runs', async () => {
		const processed = new ProcessedStore();
		const next = { ...REBILL, transactionID: '900011', nextChargeOn: '2026-02-28' };
		expect(await runsOf(processed, REBILL, EXPIRY, REBILL, next)).toEqual([1, 1, 0, 1]);
	});

	it('cancel -> uncancel -> cancel by another party (cancelledBy user, then merchant) runs three times', async () => {
		const processed = new ProcessedStore();
		expect(await runsOf(processed, CANCEL, UNCANCEL, CANCEL_BY_MERCHANT)).toEqual([1, 1, 1]);
		// ... and a redelivery of any of them passes nothing on.
		expect(await runsOf(processed, CANCEL_BY_MERCHANT, UNCANCEL, CANCEL)).toEqual([0, 0, 0]);
	});

	it('the stated limit (delivery.md §3): a byte-identical cancel after an uncancel does not run', async () => {
		// The same party cancels again: Verotel sends nothing that tells it from the first cancel's
		// redelivery, so it counts as a repeat. A workflow that must see it cannot rely on the trigger.
		const processed = new ProcessedStore();
		expect(await runsOf(processed, CANCEL, UNCANCEL, CANCEL)).toEqual([1, 1, 0]);
	});
});

describe('deliveries that meet in one n8n process', () => {
	it("a purchase redelivered while the first delivery's run is still in flight: exactly one passes its item on", async () => {
		const processed = new ProcessedStore();
		const order: string[] = [];
		let second: Promise<INodeExecutionData[][]> | undefined;
		// The first run's write is between its read and its write when Verotel's redelivery arrives.
		processed.duringWrite = () => {
			processed.duringWrite = undefined;
			second = (async () => {
				const h = harness({ query: signedQuery(PURCHASE), workflowId: TRIGGER });
				const result = await h.run();
				order.push('redelivery handed over');
				return await executeHarness({
					items: result.workflowData![0],
					processed,
					workflowId: TRIGGER,
				}).run();
			})();
		};
		const first = deliver(PURCHASE, processed).then((delivery) => {
			order.push('first run finished');
			return delivery.output!;
		});
		const outputs = [await first, await second!];
		expect(order).toEqual(['redelivery handed over', 'first run finished']);
		expect(outputs.map((output) => output[0].length)).toEqual([1, 0]);
	});

	it('two runs of one sale waiting for the same write: the first one runs, the other passes nothing on', async () => {
		const processed = new ProcessedStore();
		const json = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const other = itemOf(await harness({ query: signedQuery(purchaseOf('700009')) }).run());
		// The first run holds the row; the next three wait for it.
		const outputs = await Promise.all(
			[other, json, json, json].map(
				async (item) => await executeHarness({ items: [{ json: item }], processed }).run(),
			),
		);
		expect(outputs.map((o) => o[0].length)).toEqual([1, 1, 0, 0]);
	});

	it('50 purchases run at once all keep their key: a redelivery of each passes nothing on', async () => {
		const processed = new ProcessedStore();
		const sales = Array.from({ length: 50 }, (_, i) => String(800000 + i));
		const items = await Promise.all(
			sales.map(async (saleID) =>
				itemOf(await harness({ query: signedQuery(purchaseOf(saleID)) }).run()),
			),
		);
		const run = async (json: (typeof items)[number]) =>
			(await executeHarness({ items: [{ json }], processed }).run())[0].length;
		expect(await Promise.all(items.map(run))).toEqual(sales.map(() => 1));
		// Runs that arrive while the row is being written share the next write: n8n keeps up.
		expect(processed.calls.length).toBeLessThan(10);

		forgetRecords(); // the redeliveries reach another n8n process: only the store tells
		expect(await Promise.all(items.map(run))).toEqual(sales.map(() => 0));
	});

	it('the same execution run again (queue mode retries the job of a dead worker) passes its item on', async () => {
		const processed = new ProcessedStore();
		const json = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const first = await executeHarness({ items: [{ json }], processed, executionId: '41' }).run();
		forgetRecords(); // the retry runs on another worker
		const retry = await executeHarness({ items: [{ json }], processed, executionId: '41' }).run();
		const other = await executeHarness({ items: [{ json }], processed, executionId: '42' }).run();
		expect([first, retry, other].map((o) => o[0].length)).toEqual([1, 1, 0]);
	});
});

describe(`bounded: the last ${MAX_RECORDED_POSTBACKS} postbacks`, () => {
	async function template() {
		return itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
	}
	const itemsOf = (json: Awaited<ReturnType<typeof template>>, ...saleIDs: number[]) =>
		saleIDs.map((n) => ({
			json: { ...json, saleID: String(n), idempotencyKey: `${TEST_SHOP_ID}:${n}:purchase` },
		}));
	const SALES = Array.from({ length: MAX_RECORDED_POSTBACKS + 1 }, (_, i) => 100000 + i);

	it(`${MAX_RECORDED_POSTBACKS} postbacks later the oldest runs again, the rest are still repeats`, async () => {
		expect(MAX_RECORDED_POSTBACKS).toBe(5000);
		const processed = new ProcessedStore();
		const json = await template();
		const run = async (...saleIDs: number[]) =>
			(await executeHarness({ items: itemsOf(json, ...saleIDs), processed }).run())[0].length;
		expect(await run(...SALES)).toBe(SALES.length);
		expect(await run(100001)).toBe(0);
		expect(await run(100000)).toBe(1);
	});

	it('the store holds at most twice as many entries, in another process too', async () => {
		const processed = new ProcessedStore();
		const json = await template();
		await executeHarness({ items: itemsOf(json, ...SALES), processed }).run();
		expect(processed.keys).toHaveLength(2 * MAX_RECORDED_POSTBACKS);
		forgetRecords();
		const run = async (saleID: number) =>
			(await executeHarness({ items: itemsOf(json, saleID), processed }).run())[0].length;
		expect([await run(100001), await run(100000)]).toEqual([0, 1]);
	});
});

describe('when the record is not consulted, or fails', () => {
	it('test mode (manual) and "Ignore Repeated Postbacks" off: every delivery runs, the store is not touched', async () => {
		const processed = new ProcessedStore();
		for (const extra of [{ mode: 'manual' as const }, { options: { ignoreRepeats: false } }])
			expect([
				passedOn(await deliver(PURCHASE, processed, extra)),
				passedOn(await deliver(PURCHASE, processed, extra)),
			]).toEqual([1, 1]);
		expect(processed.calls).toEqual([]);
		// Nothing was recorded: the first production delivery runs.
		expect(passedOn(await deliver(PURCHASE, processed))).toBe(1);
	});

	it('a test-mode delivery of a recorded postback still reaches the editor', async () => {
		const processed = new ProcessedStore();
		expect(passedOn(await deliver(PURCHASE, processed))).toBe(1);
		expect(passedOn(await deliver(PURCHASE, processed, { mode: 'manual' }))).toBe(1);
	});

	it('when the store fails, the item runs and the error is logged (execute() holds no key to leak)', async () => {
		const processed = new ProcessedStore();
		processed.failWith = new Error(
			'Deduplication data was originally saved with an incompatible setting',
		);
		const delivery = await deliver(PURCHASE, processed);
		expect(outputItemOf(delivery.output).saleID).toBe('700001');
		expect(delivery.e?.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
			`${STORE_ERROR}: Deduplication data was originally saved with an incompatible setting`,
		]);
		expect(delivery.e?.ctx.getCredentials).not.toHaveBeenCalled();
	});

	it('an n8n without the deduplication helpers runs every item, logging the error', async () => {
		const deliveries = [
			await deliverAndExecute({ query: signedQuery(PURCHASE), workflowId: TRIGGER }),
			await deliverAndExecute({ query: signedQuery(PURCHASE), workflowId: TRIGGER }),
		];
		for (const delivery of deliveries) {
			expect(outputItemOf(delivery.output).saleID).toBe('700001');
			expect(delivery.e?.logs.map((l) => [l.level, l.message.startsWith(STORE_ERROR)])).toEqual([
				['error', true],
			]);
		}
	});
});

/** The context repeats.ts needs, on `store`: one trigger of one workflow. */
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
	{ json: { saleID, idempotencyKey: `${TEST_SHOP_ID}:${saleID}:purchase` } },
];

/** n8n's store whose next write, once `failNext` is set, fails while n8n cancels the run. */
class FailingWhenCancelled extends ProcessedStore {
	failNext = false;
	constructor(private readonly cancel: AbortController) {
		super();
	}

	override async checkProcessedAndRecord(
		...args: Parameters<ProcessedStore['checkProcessedAndRecord']>
	): ReturnType<ProcessedStore['checkProcessedAndRecord']> {
		if (!this.failNext) return await super.checkProcessedAndRecord(...args);
		this.failNext = false;
		this.cancel.abort();
		throw new Error('the database went away');
	}
}

describe('timers (fake): the repair write and the pause before it', () => {
	// Fake clocks for the repair pause (n8n-workflow's sleep) and Date.now; the store's own round
	// trips (setImmediate) stay real, and ProcessedStore.idle() says when they are done.
	beforeEach(() =>
		jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }),
	);
	afterEach(() => {
		jest.useRealTimers();
		jest.restoreAllMocks();
	});

	/** A second copy of repeats.ts: what another n8n process (a queue-mode worker) holds. */
	function otherProcess(): typeof repeats {
		let copy: typeof repeats | undefined;
		jest.isolateModules(() => {
			copy = jest.requireActual<typeof repeats>('../../nodes/VerotelFlexPayTrigger/repeats');
		});
		return copy!;
	}

	/**
	 * Awaits `promise` while the fake clock moves on in 10 ms steps (short of any repair pause), so
	 * a write waiting for WRITE_INTERVAL_MS gets its turn; how long that took on the fake clock.
	 */
	async function advancing<T>(promise: Promise<T>): Promise<{ value: T; waitedMs: number }> {
		const start = Date.now();
		let settled = false;
		const done = promise.finally(() => (settled = true));
		while (!settled) await jest.advanceTimersByTimeAsync(10);
		return { value: await done, waitedMs: Date.now() - start };
	}

	/** A run (When the Workflow Starts) of `item` that n8n cancels: it passes nothing on and sends no OK. */
	async function runCancelled(
		item: IDataObject,
		processed: ProcessedStore,
		cancel: AbortController,
	): Promise<void> {
		const run = executeHarness({
			items: [{ json: item }],
			options: { answerOk: 'whenRunStarts' },
			processed,
			cancelSignal: cancel.signal,
		});
		expect((await advancing(run.run())).value).toEqual([[]]);
		expect(run.responses).toEqual([]);
	}

	/** Lets the repair pauses (at most REPAIR_PAUSE_MS.max) pass, one repair write at a time. */
	async function passRepairPauses(store: ProcessedStore): Promise<void> {
		for (let ms = 0; ms < REPAIR_PAUSE_MS.max; ms += 100) {
			await jest.advanceTimersByTimeAsync(100);
			await store.idle();
		}
	}

	it("a key dropped by another process's overlapping write is written again: its redelivery passes nothing on", async () => {
		// Repair pauses apart, as their randomness keeps them: the shortest and the longest.
		jest.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValueOnce(0.99);
		const store = new ProcessedStore();
		const a = repeats;
		const b = otherProcess();
		// Both read the empty row, then both write: B's write drops A's key.
		const [ranA, ranB] = await Promise.all([
			a.recordPostbacks.call(context(store, 'a1'), sale('910001')),
			b.recordPostbacks.call(context(store, 'b1'), sale('910002')),
		]);
		expect([ranA.length, ranB.length]).toEqual([1, 1]);
		expect(store.keys.some((k) => k.startsWith(`${TEST_SHOP_ID}:910001:`))).toBe(false);

		// Once neither process has runs waiting, each writes its entries again after a pause.
		await passRepairPauses(store);
		const c = otherProcess();
		expect((await c.recordPostbacks.call(context(store, 'c1'), sale('910001'))).length).toBe(0);
		const { value: ranC2 } = await advancing(
			c.recordPostbacks.call(context(store, 'c2'), sale('910002')),
		);
		expect(ranC2.length).toBe(0);
	});

	it('a key another process dropped still counts as seen in the process that wrote it', async () => {
		const store = new ProcessedStore();
		const b = otherProcess();
		await Promise.all([
			repeats.recordPostbacks.call(context(store, 'a1'), sale('950001')),
			b.recordPostbacks.call(context(store, 'b1'), sale('950002')),
		]);
		expect(store.keys.some((k) => k.startsWith(`${TEST_SHOP_ID}:950001:`))).toBe(false);
		// Before any repair, its redelivery reaches the process that recorded it.
		const { value: ranA2 } = await advancing(
			repeats.recordPostbacks.call(context(store, 'a2'), sale('950001')),
		);
		expect(ranA2).toEqual([]);
	});

	it('a write of this process restates what it wrote lately, so a key dropped meanwhile comes back', async () => {
		const store = new ProcessedStore();
		const b = otherProcess();
		// A's write is overwritten by B's, which read the row before A wrote.
		await Promise.all([
			repeats.recordPostbacks.call(context(store, 'a1'), sale('940001')),
			b.recordPostbacks.call(context(store, 'b1'), sale('940002')),
		]);
		expect(store.keys.some((k) => k.startsWith(`${TEST_SHOP_ID}:940001:`))).toBe(false);
		// A's next run, before any repair: its write carries 940001 again.
		await advancing(repeats.recordPostbacks.call(context(store, 'a2'), sale('940003')));
		expect(store.keys).toContain(`${TEST_SHOP_ID}:940001:purchase`);
		// Restated for RESTATE_MS only: a key dropped later than that stays dropped (and runs again).
		jest.setSystemTime(Date.now() + RESTATE_MS + 1);
		store.keys = store.keys.filter((k) => !k.startsWith(`${TEST_SHOP_ID}:940001:`));
		await repeats.recordPostbacks.call(context(store, 'a3'), sale('940004'));
		expect(store.keys.some((k) => k.startsWith(`${TEST_SHOP_ID}:940001:`))).toBe(false);
	});

	it('forgetRecords drops the pending repair write: nothing lands in the next store', async () => {
		const store = new ProcessedStore();
		await repeats.recordPostbacks.call(context(store, 'a1'), sale('960001'));
		expect(jest.getTimerCount()).toBeGreaterThan(0);
		forgetRecords();
		// n8n's store is one service: a test that swaps it in must not receive the last test's repair.
		store.keys = [];
		await passRepairPauses(store);
		expect(store.keys).toEqual([]);
	});

	it('a run that arrives during the repair pause is written once the write interval is over, not after the pause', async () => {
		const processed = new ProcessedStore();
		const first = itemOf(await harness({ query: signedQuery(purchaseOf('920001')) }).run());
		const second = itemOf(await harness({ query: signedQuery(purchaseOf('920002')) }).run());
		expect(
			outputItemOf(await executeHarness({ items: [{ json: first }], processed }).run()).saleID,
		).toBe('920001');
		// The writer now pauses before its repair write.
		expect(jest.getTimerCount()).toBeGreaterThan(0);
		const { value, waitedMs } = await advancing(
			executeHarness({ items: [{ json: second }], processed }).run(),
		);
		expect(outputItemOf(value).saleID).toBe('920002');
		// The interval and the store's round trips, before the shortest repair pause would end.
		expect(waitedMs).toBeGreaterThanOrEqual(WRITE_INTERVAL_MS - 10);
		expect(waitedMs).toBeLessThan(REPAIR_PAUSE_MS.min);
	});

	it('the runs that arrive within the write interval share one write, and each sees the others', async () => {
		const store = new ProcessedStore();
		await repeats.recordPostbacks.call(context(store, 'a1'), sale('970001'));
		const writes = () => store.calls.length;
		const before = writes();
		// Three more runs 50 ms apart, one of them a repeat of the second.
		const runs = [repeats.recordPostbacks.call(context(store, 'a2'), sale('970002'))];
		await jest.advanceTimersByTimeAsync(50);
		runs.push(repeats.recordPostbacks.call(context(store, 'a3'), sale('970003')));
		await jest.advanceTimersByTimeAsync(50);
		runs.push(repeats.recordPostbacks.call(context(store, 'a4'), sale('970002')));
		const { value } = await advancing(Promise.all(runs));
		expect(value.map((ran) => ran.length)).toEqual([1, 1, 0]);
		expect(writes() - before).toBe(1);
	});

	it('a run n8n cancels before its OK takes its entries out; neither a write in flight nor the repair puts them back', async () => {
		const processed = new ProcessedStore();
		const options = { answerOk: 'whenRunStarts' };
		const cancelled = itemOf(await harness({ query: signedQuery(purchaseOf('930001')) }).run());
		const other = itemOf(await harness({ query: signedQuery(purchaseOf('930002')) }).run());
		const cancel = new AbortController();
		let otherRun: Promise<INodeExecutionData[][]> | undefined;
		// n8n cancels the first run while its write is in flight; another run is waiting for the row,
		// and its write restates what this process wrote lately.
		processed.duringWrite = () => {
			processed.duringWrite = undefined;
			cancel.abort();
			otherRun = executeHarness({ items: [{ json: other }], processed }).run();
		};
		// The release waits behind the other run's write, which waits for the write interval.
		await runCancelled(cancelled, processed, cancel);
		expect((await advancing(otherRun!)).value[0]).toHaveLength(1);
		await processed.idle();
		await passRepairPauses(processed);
		expect(processed.keys.filter((key) => key.includes(':930001:'))).toEqual([]);
		expect(processed.keys).toContain(`${TEST_SHOP_ID}:930002:purchase`);

		// Verotel sends the postback again: that delivery runs and gets its OK.
		const again = executeHarness({ items: [{ json: cancelled }], options, processed });
		expect(outputItemOf(await again.run()).saleID).toBe('930001');
		expect(again.responses).toEqual([OK_ANSWER]);
	});

	it("a cancelled run whose record failed takes nothing out: an earlier execution's record stays", async () => {
		const options = { answerOk: 'whenRunStarts' };
		const item = itemOf(await harness({ query: signedQuery(purchaseOf('940001')) }).run());
		const cancel = new AbortController();
		// The second write fails while n8n cancels its run: that run recorded nothing.
		const processed = new FailingWhenCancelled(cancel);
		const first = executeHarness({ items: [{ json: item }], options, processed });
		expect(outputItemOf(await first.run()).saleID).toBe('940001');
		await processed.idle();
		forgetRecords(); // the repeat reaches another n8n process: only the store tells
		processed.failNext = true;
		await runCancelled(item, processed, cancel);
		await processed.idle();
		expect(processed.keys).toContain(`${TEST_SHOP_ID}:940001:purchase`);
	});

	it('a record write that failed leaves nothing behind: later writes do not restate it, and the postback sent again runs', async () => {
		const options = { answerOk: 'whenRunStarts' };
		const itemFor = async (saleID: string) =>
			itemOf(await harness({ query: signedQuery(purchaseOf(saleID)) }).run());
		const failedItem = await itemFor('950001');
		const cancel = new AbortController();
		// The first write fails while n8n cancels its run: no OK, so Verotel sends the postback again.
		const processed = new FailingWhenCancelled(cancel);
		processed.failNext = true;
		await runCancelled(failedItem, processed, cancel);
		// Another sale's write, then the repair write after the idle pause.
		const other = executeHarness({
			items: [{ json: await itemFor('950002') }],
			options,
			processed,
		});
		expect(outputItemOf((await advancing(other.run())).value).saleID).toBe('950002');
		await processed.idle();
		await passRepairPauses(processed);
		expect(processed.keys).toContain(`${TEST_SHOP_ID}:950002:purchase`);
		expect(processed.keys).not.toContain(`${TEST_SHOP_ID}:950001:purchase`);
		const again = executeHarness({ items: [{ json: failedItem }], options, processed });
		expect(outputItemOf((await advancing(again.run())).value).saleID).toBe('950001');
	});
});
