import { sleep, type IDeduplicationOutput } from 'n8n-workflow';

/**
 * One writer per row of n8n's deduplication store in this n8n process.
 *
 * n8n keeps a node's entries in one row (table processed_data), which its
 * helpers read and then write whole, a database round trip later; n8n offers
 * community nodes nothing atomic per entry. Two writes that overlap keep only
 * the second one's entries. So:
 * - this process makes one write of a row at a time, and the runs that arrive
 *   meanwhile share the next write: no entry lost within a process, and the
 *   store keeps up with any rate of postbacks;
 * - across processes (queue-mode workers) a write whose read came before
 *   another process's write drops that write's entries. Every write therefore
 *   carries again the entries this process wrote in the last RESTATE_MS, and
 *   once a process has nothing more waiting it writes them once more after a
 *   random pause (REPAIR_PAUSE_MS): an entry stays lost only if both its own
 *   write and that repair are overwritten.
 */

/** How long this process writes its entries again with every write of the row. */
export const RESTATE_MS = 30_000;

/** The pause before the repair write, random within this range so two processes' repairs do not meet. */
export const REPAIR_PAUSE_MS = { min: 500, max: 1_500 } as const;

/**
 * How long a write may take before its runs go on without it. No postback may
 * wait long: n8n 1.x cancels, on SIGTERM, runs whose trigger answers Verotel.
 */
export const WRITE_TIMEOUT_MS = 5_000;

/** A row of n8n's store, through the helpers of a run's context. */
export interface StoreRow {
	/** Its ID in this process: one per workflow and trigger node. */
	id: string;
	/** How many entries n8n keeps, oldest dropped first. */
	maxEntries: number;
	/** n8n's check-and-record: which of the entries it already held. */
	record(entries: string[]): Promise<IDeduplicationOutput>;
	remove(entries: string[]): Promise<void>;
}

interface Pending<T> {
	entries: string[];
	settle(value: T): void;
	fail(error: unknown): void;
}

interface Row {
	records: Array<Pending<Set<string>>>;
	removals: Array<Pending<void>>;
	writing: boolean;
	/** Ends the repair pause at once: set while the writer pauses. */
	wake?: () => void;
	/** Entries this process wrote, with when: written again until RESTATE_MS has passed. */
	written: Map<string, number>;
}

const rows = new Map<string, Row>();

/**
 * Records `entries` with the row's next write. Resolves with the entries seen
 * before them: held by the store, written by this process before, or recorded
 * by an earlier run of the same write.
 */
export function recordEntries(store: StoreRow, entries: string[]): Promise<Set<string>> {
	return new Promise((settle, fail) => {
		const row = rowOf(store.id);
		row.records.push({ entries, settle, fail });
		kick(row, store);
	});
}

/**
 * Takes `entries` out of the row, in this process's queue of writes: a write
 * of this process that read the row before would otherwise put them back.
 */
export function removeEntries(store: StoreRow, entries: string[]): Promise<void> {
	const row = rowOf(store.id);
	for (const entry of entries) row.written.delete(entry);
	return new Promise((settle, fail) => {
		row.removals.push({ entries, settle, fail });
		kick(row, store);
	});
}

/** For tests: forget what this process wrote (writes in progress finish on their own). */
export function forgetRows(): void {
	rows.clear();
}

function rowOf(id: string): Row {
	let row = rows.get(id);
	if (row === undefined) {
		row = { records: [], removals: [], writing: false, written: new Map() };
		rows.set(id, row);
	}
	return row;
}

/** Starts the row's writer, or ends its repair pause: there is work queued. */
function kick(row: Row, store: StoreRow): void {
	if (!row.writing) void writeRow(row, store);
	else row.wake?.();
}

const hasWork = (row: Row): boolean => row.records.length > 0 || row.removals.length > 0;

async function writeRow(row: Row, store: StoreRow): Promise<void> {
	row.writing = true;
	try {
		for (;;) {
			while (hasWork(row)) {
				if (row.removals.length > 0) await removeNow(row.removals.splice(0), store);
				if (row.records.length > 0) await recordNow(row, row.records.splice(0), store);
			}
			// Work that arrives during the pause ends it: no run waits for the repair.
			const pause =
				REPAIR_PAUSE_MS.min + Math.random() * (REPAIR_PAUSE_MS.max - REPAIR_PAUSE_MS.min);
			await Promise.race([sleep(pause), new Promise<void>((resolve) => (row.wake = resolve))]);
			row.wake = undefined;
			if (hasWork(row)) continue;
			const restated = withRestated(row, store.maxEntries, []);
			if (restated.length > 0) await withinTimeout(store.record(restated)).catch(() => undefined);
			if (!hasWork(row)) break;
		}
	} finally {
		row.writing = false;
		if (row.written.size === 0 && rows.get(store.id) === row) rows.delete(store.id);
	}
}

async function removeNow(removals: Array<Pending<void>>, store: StoreRow): Promise<void> {
	try {
		await withinTimeout(store.remove(removals.flatMap((removal) => removal.entries)));
		for (const removal of removals) removal.settle();
	} catch (error) {
		for (const removal of removals) removal.fail(error);
	}
}

async function recordNow(
	row: Row,
	records: Array<Pending<Set<string>>>,
	store: StoreRow,
): Promise<void> {
	// What this process wrote counts as seen even where another process's write dropped it.
	const writtenHere = [...row.written.keys()];
	try {
		const { processed } = await withinTimeout(
			store.record(
				withRestated(
					row,
					store.maxEntries,
					records.flatMap((record) => record.entries),
				),
			),
		);
		const seen = new Set([...processed.map(String), ...writtenHere]);
		for (const record of records) {
			record.settle(new Set(seen));
			for (const entry of record.entries) seen.add(entry);
		}
	} catch (error) {
		for (const record of records) record.fail(error);
	}
}

/** What this process wrote lately, plus `entries`. */
function withRestated(row: Row, maxEntries: number, entries: string[]): string[] {
	const now = Date.now();
	for (const [entry, at] of row.written) {
		if (at > now - RESTATE_MS && row.written.size <= maxEntries) break;
		row.written.delete(entry);
	}
	for (const entry of entries) {
		row.written.delete(entry);
		row.written.set(entry, now);
	}
	return [...row.written.keys()];
}

const TIMED_OUT = Symbol('timed out');

/** The store's answer, or an error once WRITE_TIMEOUT_MS has passed (the write may still end later). */
async function withinTimeout<T>(work: Promise<T>): Promise<T> {
	const answer = await Promise.race([work, sleep(WRITE_TIMEOUT_MS).then(() => TIMED_OUT)]);
	if (answer === TIMED_OUT)
		throw new Error(`n8n's deduplication store did not answer within ${WRITE_TIMEOUT_MS / 1000} s`);
	return answer as T;
}
