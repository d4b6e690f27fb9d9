import { sleep, type IDeduplicationOutput, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { idempotencyScopeOf } from '../../lib';

/**
 * The second repeat check, inside the execution: the keys of postbacks that
 * open a sale (purchase, initial, upgrade: one run per saleID) are recorded in
 * n8n's deduplication store (the helpers behind n8n's Remove Duplicates node,
 * the processed_data table in n8n's database), and a run whose key is already
 * there passes no item on.
 *
 * Why a second store: the webhook's store is workflow static data, which n8n
 * saves whole when a run ends, from the copy that run loaded. Runs that
 * overlap overwrite each other's keys, so under steady load nearly every key
 * is lost (measured in queue mode: 500 of 500 redelivered sales ran again).
 *
 * n8n's deduplication store is one row per trigger, read and then written
 * whole, so it has the same weakness on a scale of milliseconds, and n8n
 * offers community nodes nothing atomic per key. So:
 * - each n8n process makes one write of a row at a time, and the runs that arrive
 *   meanwhile share the next write: no key lost within a process, and the
 *   store keeps up with any rate of postbacks;
 * - across processes (queue-mode workers) a write whose read came before
 *   another process's write drops that write's keys. Every write therefore
 *   carries again the entries this process wrote in the last RESTATE_MS, and
 *   once a process has no more runs waiting it writes them once more after a
 *   random pause (REPAIR_PAUSE_MS): a key stays lost only if both its own
 *   write and that repair are overwritten.
 *
 * Only keys whose scope is the key itself are recorded: for those "already
 * seen" means the same as the webhook's "last accepted in its scope". Later
 * events of a sale (cancel, uncancel, cancel again) keep the webhook's store
 * alone, since a set of seen keys would swallow the second cancel.
 */

/** How many sales the store remembers for this trigger, oldest dropped first. */
export const MAX_RECORDED_SALES = 5_000;

/**
 * n8n's store compares the values themselves ("entries"; it keeps their hashes).
 * Each sale takes two: its key, and its key with the execution's ID.
 */
const STORE_OPTIONS = { mode: 'entries', maxEntries: 2 * MAX_RECORDED_SALES } as const;

/** How long this process writes its entries again with every write of the row. */
export const RESTATE_MS = 30_000;

/** The pause before the repair write, random within this range so two processes' repairs do not meet. */
export const REPAIR_PAUSE_MS = { min: 500, max: 1_500 } as const;

/**
 * How long a write may take before its runs go on without the check. n8n 1.x
 * cancels the runs still going when its shutdown times out, and a run
 * cancelled while its trigger waits keeps no item: no postback may wait long.
 */
export const WRITE_TIMEOUT_MS = 5_000;

/**
 * The second entry tells a repeat from the same execution run again: in queue
 * mode n8n retries a job whose worker died, and that retry must not find its
 * own sale "already opened".
 */
const byExecution = (idempotencyKey: string, executionId: string): string => `${idempotencyKey}@${executionId}`;

/** One run's claim on its sales, waiting for the next write of its row. */
interface Claim {
	keys: string[];
	executionId: string;
	settle(openedEarlier: Set<string>): void;
	fail(error: unknown): void;
}

type Write = (entries: string[]) => Promise<IDeduplicationOutput>;

interface Row {
	waiting: Claim[];
	writing: boolean;
	/** Ends the repair pause at once: set while the writer pauses. */
	wake?: () => void;
	/** Entries this process wrote, with when: written again until RESTATE_MS has passed. */
	written: Map<string, number>;
}

/** Per row of n8n's store (one per workflow and trigger node), in this process. */
const rows = new Map<string, Row>();

/** What this process wrote lately, plus `entries`. */
function withRestated(row: Row, entries: string[], now: number): string[] {
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

async function writeRow(rowId: string, row: Row, write: Write): Promise<void> {
	row.writing = true;
	try {
		for (;;) {
			while (row.waiting.length > 0) {
				const batch = row.waiting.splice(0);
				const entries = batch.flatMap((claim) => claim.keys.flatMap((key) => [key, byExecution(key, claim.executionId)]));
				// What this process wrote counts as seen even where another process's write dropped it.
				const writtenHere = [...row.written.keys()];
				try {
					const { processed } = await withinTimeout(write(withRestated(row, entries, Date.now())));
					settle(batch, new Set([...processed.map(String), ...writtenHere]));
				} catch (error) {
					for (const claim of batch) claim.fail(error);
				}
			}
			// Claims that arrive during the pause end it: they never wait for the repair.
			const pause = REPAIR_PAUSE_MS.min + Math.random() * (REPAIR_PAUSE_MS.max - REPAIR_PAUSE_MS.min);
			await Promise.race([sleep(pause), new Promise<void>((resolve) => (row.wake = resolve))]);
			row.wake = undefined;
			if (row.waiting.length > 0) continue;
			const restated = withRestated(row, [], Date.now());
			if (restated.length > 0) await withinTimeout(write(restated)).catch(() => undefined);
			if (row.waiting.length === 0) break;
		}
	} finally {
		row.writing = false;
		if (row.written.size === 0 && rows.get(rowId) === row) rows.delete(rowId);
	}
}

const TIMED_OUT = Symbol('timed out');

/** The write's answer, or an error once WRITE_TIMEOUT_MS has passed (the write may still end later). */
async function withinTimeout<T>(work: Promise<T>): Promise<T> {
	const answer = await Promise.race([work, sleep(WRITE_TIMEOUT_MS).then(() => TIMED_OUT)]);
	if (answer === TIMED_OUT) throw new Error(`n8n's deduplication store did not answer within ${WRITE_TIMEOUT_MS / 1000} s`);
	return answer as T;
}

/**
 * Tells each claim which of its sales an earlier execution opened: those the
 * store already held (unless held for this very execution), and those an
 * earlier claim of the same write took.
 */
function settle(batch: Claim[], seen: Set<string>): void {
	const claimedBy = new Map<string, string>();
	for (const claim of batch) {
		const openedEarlier = new Set<string>();
		for (const key of claim.keys) {
			const heldByOther = seen.has(key) && !seen.has(byExecution(key, claim.executionId));
			const takenInBatch = claimedBy.has(key) && claimedBy.get(key) !== claim.executionId;
			if (heldByOther || takenInBatch) openedEarlier.add(key);
			else claimedBy.set(key, claim.executionId);
		}
		claim.settle(openedEarlier);
	}
}

/** Queues a claim for its row's next write; resolves with the keys an earlier execution opened. */
function claim(rowId: string, keys: string[], executionId: string, write: Write): Promise<Set<string>> {
	return new Promise((resolve, reject) => {
		let row = rows.get(rowId);
		if (row === undefined) {
			row = { waiting: [], writing: false, written: new Map() };
			rows.set(rowId, row);
		}
		row.waiting.push({ keys, executionId, settle: resolve, fail: reject });
		if (!row.writing) void writeRow(rowId, row, write);
		else row.wake?.();
	});
}

/** Whether a key is recorded in n8n's deduplication store (see above). */
export function isRecordedKey(idempotencyKey: unknown): idempotencyKey is string {
	return typeof idempotencyKey === 'string' && idempotencyScopeOf(idempotencyKey) === idempotencyKey;
}

/**
 * Records the items' sale-opening keys and returns the items that may run:
 * all but those whose key an earlier execution already recorded. Throws what
 * n8n's store throws; the caller decides to run anyway.
 */
export async function recordSaleOpenings(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const keys = items.map((item) => item.json.idempotencyKey).filter(isRecordedKey);
	if (keys.length === 0 || typeof this.helpers.checkProcessedAndRecord !== 'function') return items;
	const rowId = `${this.getWorkflow()?.id ?? ''}:${this.getNode().id ?? this.getNode().name}`;
	const write: Write = async (entries) => await this.helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS);
	const openedEarlier = await claim(rowId, keys, this.getExecutionId(), write);
	if (openedEarlier.size === 0) return items;
	return items.filter((item) => !(isRecordedKey(item.json.idempotencyKey) && openedEarlier.has(item.json.idempotencyKey)));
}

/** For tests: forget what this process wrote (writes in progress finish on their own). */
export function forgetRecordedSales(): void {
	rows.clear();
}
