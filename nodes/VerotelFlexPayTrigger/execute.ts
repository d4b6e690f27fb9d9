/** The run of a postback's execution: repeat check and lookup, the late OK (docs/design/delivery.md). */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	accessFor,
	accessWhenConfirmed,
	POSTBACK_OK,
	type AccessPostback,
	type AccessSale,
	type Confirmation,
} from '../../lib';
import { addSaleDetails } from './lookup';
import { resolveOptions } from './options';
import { safeErrorReason } from '../shared/redaction';
import { recordPostbacks, releasePostbacks } from './repeats';

/**
 * The run of the execution n8n stored for a postback: what may be slow or fail
 * happens here, after the hand-over (docs/design/delivery.md).
 *
 * With "When the Workflow Starts" the trigger answers last, with nothing to
 * wait for between its OK and its return: n8n 1.x cancels such runs on
 * SIGTERM, and one cancelled before its OK must run when Verotel resends it.
 */
export async function executePostbacks(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = resolveOptions(
		this.getNodeParameter('options', 0, {}) as IDataObject,
		this.getNode().typeVersion,
	);
	const answers = options.answerOk === 'whenRunStarts';
	const cancelled = () => answers && this.getExecutionCancelSignal?.()?.aborted === true;
	let items = this.getInputData().map(
		(item, index): INodeExecutionData => ({ json: { ...item.json }, pairedItem: { item: index } }),
	);
	// Test mode neither checks nor records: a repeated test postback must reach the editor.
	const checksRepeats = options.ignoreRepeats && this.getMode() !== 'manual';
	let recorded: INodeExecutionData[] = [];
	// n8n has answered already: record first, so that a repeat asks the status service nothing
	// and two deliveries race only for the record's write, not for their lookups too.
	if (checksRepeats && !answers) ({ items, recorded } = await withoutRepeats.call(this, items));
	if (options.fetchSaleDetails && items.length > 0) {
		await addSaleDetails.call(this, items);
		for (const item of items)
			item.json.access = accessWithSale(item.json, options.grantOnlyWhenConfirmed);
	}
	// Cancelled during the lookup: record nothing, so that Verotel's next delivery runs.
	if (cancelled()) return await notAnswered.call(this, []);
	if (checksRepeats && answers) ({ items, recorded } = await withoutRepeats.call(this, items));
	if (cancelled()) return await notAnswered.call(this, recorded);
	if (answers) {
		// A Buffer body is written at once on every n8n line (n8n 1.x may end a text body's
		// response before sending it). n8n 2.x returns a promise (typed void).
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
 * `access` once more from the postback's fields (as webhook() built it), now
 * with the status service's answer: a credit is compared with the sale's
 * amount, a missing end read from the sale's dates or period. With "Grant
 * Access Only When Confirmed" also the lookup's verdict, so a grant or extend
 * the status service did not confirm becomes `none`; an item without a
 * verdict counts as not confirmed.
 */
function accessWithSale(json: IDataObject, grantOnlyWhenConfirmed: boolean): IDataObject {
	const access = accessFor(json as AccessPostback, {
		sale: json.sale as AccessSale | undefined,
		receivedAt: typeof json.receivedAt === 'string' ? json.receivedAt : undefined,
	});
	if (!grantOnlyWhenConfirmed) return { ...access };
	const reason = (json.confirmation as IDataObject | undefined)?.reason;
	const confirmation: Confirmation =
		json.confirmed === true
			? { confirmed: true }
			: {
					confirmed: false,
					reason: typeof reason === 'string' ? reason : 'The sale was not looked up',
				};
	return { ...accessWhenConfirmed(access, confirmation) };
}

/** A run cancelled before its OK: its postbacks must run when Verotel sends them again. */
async function notAnswered(
	this: IExecuteFunctions,
	recorded: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const saleIDs = this.getInputData().map(({ json }) => json.saleID ?? null);
	try {
		await releasePostbacks.call(this, recorded);
		this.logger.warn(
			'Verotel FlexPay Trigger did not answer OK: n8n cancelled the run first, so Verotel will send the postback again',
			{ saleIDs },
		);
	} catch (error) {
		this.logger.error(
			`Verotel FlexPay Trigger did not answer OK (n8n cancelled the run) and could not take its postback out of n8n's deduplication store, so the postback Verotel sends again may pass nothing on: ${safeErrorReason(error)}`,
			{ saleIDs },
		);
	}
	return [[]];
}

/**
 * The items no earlier execution recorded (repeats.ts), and those this run
 * recorded. If the store fails, all items run and none counts as recorded: a
 * cancelled run must not take out an earlier execution's record.
 */
async function withoutRepeats(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<{ items: INodeExecutionData[]; recorded: INodeExecutionData[] }> {
	try {
		const runnable = await recordPostbacks.call(this, items);
		for (const { json } of items.filter((item) => !runnable.includes(item))) {
			this.logger.info(
				'Verotel FlexPay Trigger passed a repeated postback on to nothing: an earlier execution already recorded it',
				{ event: json.event, saleID: json.saleID ?? null, idempotencyKey: json.idempotencyKey },
			);
		}
		return { items: runnable, recorded: runnable };
	} catch (error) {
		this.logger.error(
			`Verotel FlexPay Trigger could not check n8n's deduplication store for a repeated postback, running anyway: ${safeErrorReason(error)}`,
		);
		return { items, recorded: [] };
	}
}
