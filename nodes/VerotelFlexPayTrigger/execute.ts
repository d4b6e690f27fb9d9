import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	accessFor,
	accessWhenConfirmed,
	idempotencyScopeOf,
	POSTBACK_OK,
	type AccessPostback,
	type Confirmation,
} from '../../lib';
import { addSaleDetails } from './lookup';
import { resolveOptions } from './options';
import { safeErrorReason } from './redaction';
import { rememberPostback } from './repeatStore';
import { recordSaleOpenings, releaseSaleOpenings } from './saleRecord';

/**
 * Runs inside the execution n8n stored for the postback: everything that may
 * be slow or fail happens here, after the hand-over.
 *
 * With "When the Workflow Starts" the trigger answers last, and nothing waits
 * between its OK and its return. n8n 1.x cancels, on SIGTERM, every run whose
 * trigger answers Verotel, and saves a run cancelled while its trigger waits
 * without the postback. Cancelled before the OK, such a run is answered with
 * an error by n8n, Verotel sends the postback again, and that delivery runs.
 */
export async function executePostbacks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = resolveOptions(this.getNodeParameter('options', 0, {}) as IDataObject);
	const answers = options.answerOk === 'whenRunStarts';
	const cancelled = () => answers && this.getExecutionCancelSignal?.()?.aborted === true;
	let items = this.getInputData().map(
		(item, index): INodeExecutionData => ({ json: { ...item.json }, pairedItem: { item: index } }),
	);
	if (options.fetchSaleDetails && items.length > 0) await addSaleDetails.call(this, items);
	if (options.grantOnlyWhenConfirmed)
		for (const item of items) item.json.access = confirmedAccess(item.json);
	// Cancelled during the lookup: record nothing, so that Verotel's next delivery runs.
	if (cancelled()) return await notAnswered.call(this, []);
	let recorded: INodeExecutionData[] = [];
	if (options.ignoreRepeats && this.getMode() !== 'manual') {
		rememberRun(this.getWorkflowStaticData('node'), items);
		({ items, recorded } = await runnableItems.call(this, items));
	}
	if (cancelled()) return await notAnswered.call(this, recorded);
	if (answers) {
		// A Buffer body is written at once on every n8n line; n8n 1.x ends a text body's
		// response before it sends it whenever the run changed static data (the repeat store).
		// n8n 2.x returns a promise (typed void), and never cancels such a run on shutdown.
		const answered: unknown = this.sendResponse({
			body: Buffer.from(POSTBACK_OK),
			statusCode: 200,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
		});
		await answered;
	}
	return [items];
}

/**
 * "Grant Access Only When Confirmed": `access` once more from the postback's
 * fields (as webhook() built it), now with the lookup's verdict, so a grant or
 * extend the status service did not confirm becomes `none`. An item without a
 * verdict (no lookup ran) counts as not confirmed.
 */
function confirmedAccess(json: IDataObject): IDataObject {
	const reason = (json.confirmation as IDataObject | undefined)?.reason;
	const confirmation: Confirmation =
		json.confirmed === true
			? { confirmed: true }
			: {
					confirmed: false,
					reason: typeof reason === 'string' ? reason : 'The sale was not looked up',
				};
	return { ...accessWhenConfirmed(accessFor(json as AccessPostback), confirmation) };
}

/** A run cancelled before its OK: its sales must run when Verotel sends them again. */
async function notAnswered(
	this: IExecuteFunctions,
	recorded: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const saleIDs = this.getInputData().map(({ json }) => json.saleID ?? null);
	try {
		await releaseSaleOpenings.call(this, recorded);
		this.logger.warn(
			'Verotel FlexPay Trigger did not answer OK: n8n cancelled the run first, so Verotel will send the postback again',
			{ saleIDs },
		);
	} catch (error) {
		this.logger.error(
			`Verotel FlexPay Trigger did not answer OK (n8n cancelled the run), and could not take its sale out of n8n's deduplication store, so the postback Verotel sends again may pass nothing on: ${safeErrorReason(error)}`,
			{ saleIDs },
		);
	}
	return [[]];
}

/**
 * Records the run's postbacks in the repeat store once more, from inside the execution.
 * n8n 2.x does not save the webhook's change: its run() wraps the same static data again,
 * which clears n8n's change mark before the webhook's save; n8n saves static data that a run
 * changed when the run ends (in queue mode on the worker), so this is what persists the key.
 */
function rememberRun(staticData: IDataObject, items: INodeExecutionData[]): void {
	for (const { json } of items) {
		if (typeof json.idempotencyKey !== 'string') continue;
		rememberPostback(staticData, {
			idempotencyKey: json.idempotencyKey,
			idempotencyScope: idempotencyScopeOf(json.idempotencyKey),
		});
	}
}

/**
 * The items whose sale no earlier run has opened (saleRecord.ts), and those of
 * them this run recorded. A repeat that got past the webhook's check (another
 * process, or a key lost from static data) ends here: its execution is stored,
 * it passes no item on.
 */
async function runnableItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<{ items: INodeExecutionData[]; recorded: INodeExecutionData[] }> {
	try {
		const runnable = await recordSaleOpenings.call(this, items);
		for (const { json } of items.filter((item) => !runnable.includes(item))) {
			this.logger.info(
				'Verotel FlexPay Trigger passed a repeated postback on to nothing: an earlier run already opened its sale',
				{
					event: json.event,
					saleID: json.saleID ?? null,
					idempotencyKey: json.idempotencyKey,
				},
			);
		}
		return { items: runnable, recorded: runnable };
	} catch (error) {
		// The sale must still run; only the repeat check is lost.
		this.logger.error(
			`Verotel FlexPay Trigger could not check n8n's deduplication store for a repeated postback, running anyway: ${safeErrorReason(error)}`,
		);
		return { items, recorded: [] };
	}
}
