/** The record of accepted postbacks, in n8n's deduplication store (docs/design/delivery.md §4). */
import { sleep, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

/** How many postbacks the record keeps per trigger, oldest dropped first. */
export const MAX_RECORDED_POSTBACKS = 5_000;

/** n8n compares the values themselves (it keeps their hashes); two entries a postback. */
const STORE_OPTIONS = { mode: 'entries', maxEntries: 2 * MAX_RECORDED_POSTBACKS } as const;

/** How long this process writes its entries again with every write of the row; outlasts the repair pause. */
export const RESTATE_MS = 5_000;

/** The pause before the repair write, random so that two processes' repairs do not meet. */
export const REPAIR_PAUSE_MS = { min: 500, max: 1_500 } as const;

/** The same execution run again (a retried queue-mode job) finds this entry and still runs. */
const byExecution = (key: string, executionId: string) => `${key}@${executionId}`;

/** The trigger's row of n8n's store, through the helpers of one run. */
interface StoreRow {
	id: string;
	record(entries: string[]): Promise<string[]>;
	remove(entries: string[]): Promise<void>;
}

interface Write {
	remove: boolean;
	entries: string[];
	settle(seen: Set<string>): void;
	fail(error: unknown): void;
}

interface Row {
	queue: Write[];
	writing: boolean;
	/** Ends the repair pause when new work arrives. */
	wake?: () => void;
	/** Entries this process wrote, with when. */
	written: Map<string, number>;
	/** Set by forgetRecords: the pending repair is not written. */
	forgotten?: boolean;
}

/** One writer per row in this process, since n8n reads and writes the row whole. */
const rows = new Map<string, Row>();

const keyOf = (item: INodeExecutionData) =>
	typeof item.json.idempotencyKey === 'string' ? item.json.idempotencyKey : undefined;

const entriesOf = (items: INodeExecutionData[], executionId: string) =>
	items.flatMap((item) => {
		const key = keyOf(item);
		return key === undefined ? [] : [key, byExecution(key, executionId)];
	});

function storeRowOf(context: IExecuteFunctions): StoreRow {
	const node = context.getNode();
	const { helpers } = context;
	return {
		id: `${context.getWorkflow()?.id ?? ''}:${node.id ?? node.name}`,
		record: async (entries) =>
			(await helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS)).processed.map(String),
		remove: async (entries) => await helpers.removeProcessed(entries, 'node', STORE_OPTIONS),
	};
}

/** Records the items and returns those no other execution recorded before; throws what n8n's store throws. */
export async function recordPostbacks(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const executionId = this.getExecutionId();
	const entries = entriesOf(items, executionId);
	if (entries.length === 0) return items;
	const seen = await enqueue(storeRowOf(this), false, entries);
	return items.filter((item) => {
		const key = keyOf(item);
		return key === undefined || !seen.has(key) || seen.has(byExecution(key, executionId));
	});
}

/** Takes the items out of the record again, for a run cancelled before its OK. */
export async function releasePostbacks(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<void> {
	const entries = entriesOf(items, this.getExecutionId());
	if (entries.length > 0) await enqueue(storeRowOf(this), true, entries);
}

/** For tests: forget what this process wrote; writes in progress finish, pending repairs are dropped. */
export function forgetRecords(): void {
	for (const row of rows.values()) {
		row.forgotten = true;
		row.wake?.();
	}
	rows.clear();
}

async function enqueue(store: StoreRow, remove: boolean, entries: string[]) {
	const row: Row = rows.get(store.id) ?? { queue: [], writing: false, written: new Map() };
	rows.set(store.id, row);
	if (remove) for (const entry of entries) row.written.delete(entry);
	return await new Promise<Set<string>>((settle, fail) => {
		row.queue.push({ remove, entries, settle, fail });
		if (!row.writing) void drain(row, store);
		else row.wake?.();
	});
}

/** Writes until the queue is empty (the records waiting share one write), then repairs once after a pause. */
async function drain(row: Row, store: StoreRow): Promise<void> {
	row.writing = true;
	try {
		for (;;) {
			while (row.queue.length > 0) {
				const removal = row.queue[0].remove ? row.queue.shift() : undefined;
				if (removal)
					await store.remove(removal.entries).then(() => removal.settle(new Set()), removal.fail);
				else await recordNow(row, store, row.queue.splice(0, untilRemoval(row.queue)));
			}
			const pause =
				REPAIR_PAUSE_MS.min + Math.random() * (REPAIR_PAUSE_MS.max - REPAIR_PAUSE_MS.min);
			await Promise.race([sleep(pause), new Promise<void>((wake) => (row.wake = wake))]);
			row.wake = undefined;
			if (row.forgotten && row.queue.length === 0) break;
			if (row.queue.length > 0) continue;
			const restated = restate(row, []);
			if (restated.length > 0) await store.record(restated).catch(() => undefined);
			if (row.queue.length === 0) break;
		}
	} finally {
		row.writing = false;
		if (row.written.size === 0 && rows.get(store.id) === row) rows.delete(store.id);
	}
}

const untilRemoval = (queue: Write[]) => {
	const end = queue.findIndex((write) => write.remove);
	return end === -1 ? queue.length : end;
};

async function recordNow(row: Row, store: StoreRow, writes: Write[]): Promise<void> {
	// What this process wrote counts as seen even where another process's write dropped it.
	const seen = new Set(row.written.keys());
	try {
		const entries = writes.flatMap((write) => write.entries);
		for (const entry of await store.record(restate(row, entries))) seen.add(entry);
	} catch (error) {
		for (const write of writes) write.fail(error);
		return;
	}
	// The runs of one write see each other in queue order.
	for (const write of writes) {
		write.settle(new Set(seen));
		for (const entry of write.entries) seen.add(entry);
	}
}

/** What this process wrote in the last RESTATE_MS (at most the row's size), plus `entries`. */
function restate(row: Row, entries: string[]): string[] {
	const now = Date.now();
	for (const [entry, at] of row.written) {
		if (at > now - RESTATE_MS && row.written.size <= STORE_OPTIONS.maxEntries) break;
		row.written.delete(entry);
	}
	for (const entry of entries) {
		row.written.delete(entry);
		row.written.set(entry, now);
	}
	return [...row.written.keys()];
}
