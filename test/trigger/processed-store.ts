import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedOptions,
	IDeduplicationOutput,
} from 'n8n-workflow';

/**
 * n8n's deduplication store ("entries" mode) as n8n runs it: the node's keys
 * are one row, read, then written whole a database round trip later, so two
 * calls that overlap keep only the second one's keys.
 */
export class ProcessedStore {
	keys: string[] = [];
	calls: { items: string[]; scope: string; options: ICheckProcessedOptions }[] = [];
	failWith?: Error;
	/** Called while a write is in flight (between its read and its write). */
	duringWrite?: () => void;

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.push({ items: items.map(String), scope, options });
		if (this.failWith) throw this.failWith;
		const row = [...this.keys];
		await new Promise((resolve) => setImmediate(resolve));
		this.duringWrite?.();
		const output: IDeduplicationOutput = { new: [], processed: [] };
		const seen = new Set(row);
		for (const item of items) {
			if (seen.has(String(item))) output.processed.push(item);
			else {
				output.new.push(item);
				row.push(String(item));
			}
		}
		if (options.maxEntries !== undefined)
			row.splice(0, Math.max(0, row.length - options.maxEntries));
		await new Promise((resolve) => setImmediate(resolve));
		this.keys = row;
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		options: ICheckProcessedOptions,
	): Promise<void> {
		this.calls.push({ items: items.map(String), scope, options });
		const gone = new Set(items.map(String));
		const row = this.keys.filter((key) => !gone.has(key));
		await new Promise((resolve) => setImmediate(resolve));
		this.keys = row;
	}
}
