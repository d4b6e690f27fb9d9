import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

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
 * n8n's deduplication store is also one row written whole, but it is read and
 * written within milliseconds, and this process writes it one run at a time.
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

/**
 * The second entry tells a repeat from the same execution run again: in queue
 * mode n8n retries a job whose worker died, and that retry must not find its
 * own sale "already opened".
 */
const byExecution = (idempotencyKey: string, executionId: string): string => `${idempotencyKey}@${executionId}`;

let lastWrite: Promise<unknown> = Promise.resolve();

/** One read-modify-write of n8n's row at a time in this process, so its runs never drop each other's key. */
function oneAtATime<T>(write: () => Promise<T>): Promise<T> {
	const next = lastWrite.then(write, write);
	lastWrite = next.catch(() => undefined);
	return next;
}

/** Whether a key is recorded in n8n's deduplication store (see above). */
export function isRecordedKey(idempotencyKey: unknown): idempotencyKey is string {
	return typeof idempotencyKey === 'string' && idempotencyScopeOf(idempotencyKey) === idempotencyKey;
}

/**
 * Records the items' sale-opening keys and returns the items that may run:
 * all but those whose key an earlier run already recorded. Throws what n8n's
 * store throws; the caller decides to run anyway.
 */
export async function recordSaleOpenings(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const keys = items.map((item) => item.json.idempotencyKey).filter(isRecordedKey);
	if (keys.length === 0 || typeof this.helpers.checkProcessedAndRecord !== 'function') return items;
	const executionId = this.getExecutionId();
	const entries = keys.flatMap((key) => [key, byExecution(key, executionId)]);
	const { processed } = await oneAtATime(() => this.helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS));
	if (processed.length === 0) return items;
	const seen = new Set(processed.map(String));
	const openedEarlier = (key: unknown) => isRecordedKey(key) && seen.has(key) && !seen.has(byExecution(key, executionId));
	return items.filter((item) => !openedEarlier(item.json.idempotencyKey));
}
