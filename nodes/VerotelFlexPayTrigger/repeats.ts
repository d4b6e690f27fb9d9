/** Repeated postbacks: the record of accepted ones in n8n's deduplication store (docs/design/delivery.md §4). */
import { sleep, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

/** How many postbacks the record keeps per trigger, oldest dropped first. */
export const MAX_RECORDED_POSTBACKS = 5_000;

/** n8n compares the values themselves (it keeps their hashes). Two entries a postback. */
const STORE_OPTIONS = { mode: 'entries', maxEntries: 2 * MAX_RECORDED_POSTBACKS } as const;

/** How long this process writes its entries again with every write of the row. */
export const RESTATE_MS = 30_000;

/** The pause before the repair write, random so that two processes' repairs do not meet. */
export const REPAIR_PAUSE_MS = { min: 500, max: 1_500 } as const;

/** The same execution run again (a retried queue-mode job) finds this entry and still runs. */
const byExecution = (key: string, executionId: string): string => `${key}@${executionId}`;

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
	/** Ends the repair pause at once when new work arrives. */
	wake?: () => void;
	/** Entries this process wrote, with when: restated until RESTATE_MS has passed. */
	written: Map<string, number>;
}

/** One writer per row in this process: n8n reads and writes the row whole. */
const rows = new Map<string, Row>();

const keyOf = (item: INodeExecutionData): string | undefined =>
	typeof item.json.idempotencyKey === 'string' ? item.json.idempotencyKey : undefined;

function entriesOf(items: INodeExecutionData[], executionId: string): string[] {
	return items.flatMap((item) => {
		const key = keyOf(item);
		return key === undefined ? [] : [key, byExecution(key, executionId)];
	});
}

function storeRowOf(context: IExecuteFunctions): StoreRow {
	const node = context.getNode();
	return {
		id: `${context.getWorkflow()?.id ?? ''}:${node.id ?? node.name}`,
		record: async (entries) =>
			(await context.helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS)).processed.map(
				String,
			),
		remove: async (entries) =>
			await context.helpers.removeProcessed(entries, 'node', STORE_OPTIONS),
	};
}

/**
 * Records the items' keys and returns the items no other execution recorded
 * before. Throws what n8n's store throws; the caller runs the items anyway.
 */
export async function recordPostbacks(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const executionId = this.getExecutionId();
	const entries = entriesOf(items, executionId);
	if (entries.length === 0) return items;
	const seen = await enqueue(storeRowOf(this), { remove: false, entries });
	return items.filter((item) => {
		const key = keyOf(item);
		return key === undefined || !seen.has(key) || seen.has(byExecution(key, executionId));
	});
}

/** Takes the items' entries out again: for a run cancelled before its OK, whose postback Verotel resends. */
export async function releasePostbacks(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<void> {
	const entries = entriesOf(items, this.getExecutionId());
	if (entries.length > 0) await enqueue(storeRowOf(this), { remove: true, entries });
}

/** For tests: forget what this process wrote (writes in progress finish on their own). */
export function forgetRecords(): void {
	rows.clear();
}

async function enqueue(store: StoreRow, write: Pick<Write, 'remove' | 'entries'>) {
	let row = rows.get(store.id);
	if (row === undefined) {
		row = { queue: [], writing: false, written: new Map() };
		rows.set(store.id, row);
	}
	if (write.remove) for (const entry of write.entries) row.written.delete(entry);
	const target = row;
	return await new Promise<Set<string>>((settle, fail) => {
		target.queue.push({ ...write, settle, fail });
		if (!target.writing) void drain(target, store);
		else target.wake?.();
	});
}

/** Writes until the queue is empty, then repairs once after a pause unless new work ends it. */
async function drain(row: Row, store: StoreRow): Promise<void> {
	row.writing = true;
	try {
		for (;;) {
			while (row.queue.length > 0) {
				const next = row.queue[0].remove ? row.queue.splice(0, 1) : takeRecords(row.queue);
				await (next[0].remove ? removeNow(next[0], store) : recordNow(row, next, store));
			}
			const pause =
				REPAIR_PAUSE_MS.min + Math.random() * (REPAIR_PAUSE_MS.max - REPAIR_PAUSE_MS.min);
			await Promise.race([sleep(pause), new Promise<void>((wake) => (row.wake = wake))]);
			row.wake = undefined;
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

/** The records at the head of the queue, written together. */
function takeRecords(queue: Write[]): Write[] {
	const end = queue.findIndex((write) => write.remove);
	return queue.splice(0, end === -1 ? queue.length : end);
}

async function removeNow(write: Write, store: StoreRow): Promise<void> {
	await store.remove(write.entries).then(() => write.settle(new Set()), write.fail);
}

async function recordNow(row: Row, writes: Write[], store: StoreRow): Promise<void> {
	// What this process wrote counts as seen even where another process's write dropped it.
	const seen = new Set(row.written.keys());
	try {
		for (const entry of await store.record(
			restate(
				row,
				writes.flatMap((w) => w.entries),
			),
		))
			seen.add(entry);
	} catch (error) {
		for (const write of writes) write.fail(error);
		return;
	}
	// Runs of one write see each other in queue order.
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
