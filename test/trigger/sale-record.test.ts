/**
 * The repeat check inside the execution (saleRecord.ts): sale-opening keys go
 * to n8n's deduplication store, modelled by ProcessedStore as n8n runs it (one
 * row, read and written whole a round trip apart). Each delivery here has its
 * own static data, as when a repeat reaches another n8n process or a key was
 * overwritten in static data.
 */
import type { IDataObject } from 'n8n-workflow';

import { forgetCachedCredentials } from '../../nodes/VerotelFlexPayTrigger/credentialCache';
import { forgetDeliveriesInFlight } from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import { MAX_RECORDED_SALES } from '../../nodes/VerotelFlexPayTrigger/saleRecord';
import { CANCEL, deliverAndExecute, executeHarness, harness, itemOf, outputItemOf, ProcessedStore, PURCHASE, REBILL, SHOP, signedQuery, UNCANCEL } from './harness';

beforeEach(() => {
	forgetCachedCredentials();
	forgetDeliveriesInFlight();
});

/** A delivery that ran webhook() in a process of its own: fresh static data, nothing in flight. */
async function deliver(params: typeof PURCHASE, processed: ProcessedStore, extra: Parameters<typeof deliverAndExecute>[0] = {}) {
	forgetDeliveriesInFlight();
	return await deliverAndExecute({ query: signedQuery(params), staticData: {}, processed, ...extra });
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
		const retry = await executeHarness({ items: [{ json }], processed, executionId: '41' }).run();
		const other = await executeHarness({ items: [{ json }], processed, executionId: '42' }).run();
		expect([first, retry, other].map((o) => o[0].length)).toEqual([1, 1, 0]);
	});

	it('remembers the last 5,000 sales', async () => {
		const processed = new ProcessedStore();
		const template = itemOf(await harness({ query: signedQuery(PURCHASE) }).run());
		const itemsOf = (...saleIDs: number[]) => saleIDs.map((n) => ({ json: { ...template, saleID: String(n), idempotencyKey: `${SHOP}:${n}:purchase` } }));
		const run = async (...saleIDs: number[]) => (await executeHarness({ items: itemsOf(...saleIDs), processed }).run())[0].length;
		expect(MAX_RECORDED_SALES).toBe(5000);
		// One run with 5,001 sales: the oldest falls out.
		expect(await run(...Array.from({ length: MAX_RECORDED_SALES + 1 }, (_, i) => 100000 + i))).toBe(MAX_RECORDED_SALES + 1);
		expect(await run(100001)).toBe(0);
		expect(await run(100000)).toBe(1);
	});

	it('50 purchases run at once in one process all keep their key: a redelivery of each passes nothing on', async () => {
		const processed = new ProcessedStore();
		const sales = Array.from({ length: 50 }, (_, i) => String(800000 + i));
		const items = await Promise.all(sales.map(async (saleID) => itemOf(await harness({ query: signedQuery(purchaseOf(saleID)) }).run())));
		const outputs = await Promise.all(items.map(async (json) => await executeHarness({ items: [{ json }], processed }).run()));
		expect(outputs.map((o) => o[0].length)).toEqual(sales.map(() => 1));
		expect(processed.keys).toHaveLength(100);

		const again = await Promise.all(items.map(async (json) => await executeHarness({ items: [{ json }], processed }).run()));
		expect(again.map((o) => o[0].length)).toEqual(sales.map(() => 0));
	});

	it('later events of a sale stay out of it: cancel -> uncancel -> cancel runs three times', async () => {
		const processed = new ProcessedStore();
		const staticData: IDataObject = {};
		for (const params of [CANCEL, UNCANCEL, CANCEL, REBILL]) {
			const delivery = await deliverAndExecute({ query: signedQuery(params), staticData, processed });
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
		processed.failWith = new Error('Deduplication data was originally saved with an incompatible setting');
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
		expect([outputItemOf(first.output).saleID, outputItemOf(again.output).saleID]).toEqual(['700001', '700001']);
	});
});
