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

/** The least time between two record writes of a row: n8n reads and writes the row whole, so the runs arriving meanwhile share the next write. */
export const WRITE_INTERVAL_MS = 400;

type Helpers = IExecuteFunctions['helpers'];

interface Write {
	remove: boolean;
	entries: string[];
	settle(seen: Set<string>): void;
	fail(error: unknown): void;
}

/** The one writer of a row in this process, since n8n reads and writes the row whole. */
interface Row {
	queue: Write[];
	writing: boolean;
	/** Entries this process wrote, with when. */
	written: Map<string, number>;
	/** When the last record write began. */
	lastWriteAt: number;
	/** Ends the repair pause when new work arrives. */
	wake?: () => void;
	/** Set by forgetRecords: the pending repair is not written. */
	forgotten?: boolean;
}

const rows = new Map<string, Row>();

const keyOf = (item: INodeExecutionData) =>
	typeof item.json.idempotencyKey === 'string' ? item.json.idempotencyKey : undefined;

/** The same execution run again (a retried queue-mode job) finds this entry and still runs. */
const byExecution = (key: string, executionId: string) => `${key}@${executionId}`;

const entriesOf = (items: INodeExecutionData[], executionId: string) =>
	items.flatMap((item) => {
		const key = keyOf(item);
		return key === undefined ? [] : [key, byExecution(key, executionId)];
	});

/** Records the items and returns those no other execution recorded before; throws what n8n's store throws. */
export async function recordPostbacks(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const executionId = this.getExecutionId();
	const entries = entriesOf(items, executionId);
	if (entries.length === 0) return items;
	const seen = await enqueue(this, false, entries);
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
	if (entries.length > 0) await enqueue(this, true, entries);
}

/** For tests: forget what this process wrote; writes in progress finish, pending repairs are dropped. */
export function forgetRecords(): void {
	for (const row of rows.values()) {
		row.forgotten = true;
		row.wake?.();
	}
	rows.clear();
}

async function enqueue(context: IExecuteFunctions, remove: boolean, entries: string[]) {
	const node = context.getNode();
	const id = `${context.getWorkflow()?.id ?? ''}:${node.id ?? node.name}`;
	const row: Row = rows.get(id) ?? {
		queue: [],
		writing: false,
		written: new Map(),
		lastWriteAt: 0,
	};
	rows.set(id, row);
	if (remove) for (const entry of entries) row.written.delete(entry);
	return await new Promise<Set<string>>((settle, fail) => {
		row.queue.push({ remove, entries, settle, fail });
		if (row.writing) row.wake?.();
		else void drain(id, row, context.helpers);
	});
}

/**
 * Writes until the queue is empty, the records waiting in it sharing one write,
 * then (unless new work arrives first) writes this process's recent entries
 * once more after a pause: the repair of what another process's write dropped.
 */
async function drain(id: string, row: Row, helpers: Helpers): Promise<void> {
	const record = async (entries: string[]) =>
		(await helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS)).processed.map(String);
	row.writing = true;
	try {
		do {
			while (row.queue.length > 0) {
				if (row.queue[0].remove) {
					const [removal] = row.queue.splice(0, 1);
					await helpers
						.removeProcessed(removal.entries, 'node', STORE_OPTIONS)
						.then(() => removal.settle(new Set()), removal.fail);
					continue;
				}
				const wait = row.lastWriteAt + WRITE_INTERVAL_MS - Date.now();
				if (wait > 0) await sleep(wait);
				row.lastWriteAt = Date.now();
				const end = row.queue.findIndex((write) => write.remove);
				await recordNow(row, record, row.queue.splice(0, end === -1 ? row.queue.length : end));
			}
			const pause =
				REPAIR_PAUSE_MS.min + Math.random() * (REPAIR_PAUSE_MS.max - REPAIR_PAUSE_MS.min);
			await Promise.race([sleep(pause), new Promise<void>((wake) => (row.wake = wake))]);
			row.wake = undefined;
			const repair = row.queue.length === 0 && !row.forgotten ? restate(row, []) : [];
			if (repair.length > 0) await record(repair).catch(() => undefined);
		} while (row.queue.length > 0);
	} finally {
		row.writing = false;
		if (row.written.size === 0 && rows.get(id) === row) rows.delete(id);
	}
}

async function recordNow(
	row: Row,
	record: (entries: string[]) => Promise<string[]>,
	writes: Write[],
): Promise<void> {
	// What this process wrote counts as seen even where another process's write dropped it.
	const seen = new Set(row.written.keys());
	const entries = writes.flatMap((write) => write.entries);
	try {
		for (const entry of await record(restate(row, entries))) seen.add(entry);
	} catch (error) {
		// Not written, so not restated later either: a cancelled run's postback must run when sent again.
		for (const entry of entries) if (!seen.has(entry)) row.written.delete(entry);
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
