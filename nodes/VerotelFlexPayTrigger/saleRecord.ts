import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { idempotencyScopeOf } from '../../lib';
import { forgetRows, recordEntries, removeEntries, type StoreRow } from './processedRow';

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
 * n8n's deduplication store has the same weakness on a scale of milliseconds;
 * processedRow.ts is how this process writes it.
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
const byExecution = (idempotencyKey: string, executionId: string): string =>
	`${idempotencyKey}@${executionId}`;

const entriesOf = (keys: string[], executionId: string): string[] =>
	keys.flatMap((key) => [key, byExecution(key, executionId)]);

/** Whether a key is recorded in n8n's deduplication store (see above). */
export function isRecordedKey(idempotencyKey: unknown): idempotencyKey is string {
	return (
		typeof idempotencyKey === 'string' && idempotencyScopeOf(idempotencyKey) === idempotencyKey
	);
}

const recordedKeysOf = (items: INodeExecutionData[]): string[] =>
	items.map((item) => item.json.idempotencyKey).filter(isRecordedKey);

/** The trigger's row of n8n's store, through the helpers of this run. */
function storeRowOf(context: IExecuteFunctions): StoreRow {
	const node = context.getNode();
	return {
		id: `${context.getWorkflow()?.id ?? ''}:${node.id ?? node.name}`,
		maxEntries: STORE_OPTIONS.maxEntries,
		record: async (entries) =>
			await context.helpers.checkProcessedAndRecord(entries, 'node', STORE_OPTIONS),
		remove: async (entries) =>
			await context.helpers.removeProcessed(entries, 'node', STORE_OPTIONS),
	};
}

/**
 * Records the items' sale-opening keys and returns the items that may run:
 * all but those whose key an earlier execution already recorded (unless it
 * recorded it for this very execution). Throws what n8n's store throws; the
 * caller decides to run anyway.
 */
export async function recordSaleOpenings(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const keys = recordedKeysOf(items);
	if (keys.length === 0 || typeof this.helpers.checkProcessedAndRecord !== 'function') return items;
	const executionId = this.getExecutionId();
	const seen = await recordEntries(storeRowOf(this), entriesOf(keys, executionId));
	const openedEarlier = (key: string) => seen.has(key) && !seen.has(byExecution(key, executionId));
	return items.filter(
		(item) => !(isRecordedKey(item.json.idempotencyKey) && openedEarlier(item.json.idempotencyKey)),
	);
}

/**
 * Takes the sale openings this execution recorded out of the store again, for
 * a run that n8n cancelled before its OK left: Verotel sends that postback
 * again, and that delivery must run. Best effort across processes: a write of
 * another process that read the row before this removal puts them back.
 */
export async function releaseSaleOpenings(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<void> {
	const keys = recordedKeysOf(items);
	if (keys.length === 0 || typeof this.helpers.removeProcessed !== 'function') return;
	await removeEntries(storeRowOf(this), entriesOf(keys, this.getExecutionId()));
}

/** For tests: forget what this process wrote (writes in progress finish on their own). */
export function forgetRecordedSales(): void {
	forgetRows();
}
