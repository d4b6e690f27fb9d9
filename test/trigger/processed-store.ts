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
	private pending = 0;
	private waiting: Array<() => void> = [];

	/** Resolves once no call is in flight (a write started by a timer included, once it started). */
	async idle(): Promise<void> {
		if (this.pending > 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	private async tracked<T>(call: () => Promise<T>): Promise<T> {
		this.pending++;
		try {
			return await call();
		} finally {
			if (--this.pending === 0) for (const resolve of this.waiting.splice(0)) resolve();
		}
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.push({ items: items.map(String), scope, options });
		if (this.failWith) throw this.failWith;
		return await this.tracked(async () => await this.record(items, options));
	}

	private async record(
		items: DeduplicationItemTypes[],
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
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
		await this.tracked(async () => {
			const gone = new Set(items.map(String));
			const row = this.keys.filter((key) => !gone.has(key));
			await new Promise((resolve) => setImmediate(resolve));
			this.keys = row;
		});
	}
}
