import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildSamplePostback, cutText, excerpt, parseAbsoluteUrl, POSTBACK_EVENTS, POSTBACK_OK } from '../../../../lib';
import { idText, isEmpty, type ParamValue } from '../../../../lib/validation';
import { getFlexPayConfig } from '../../shared/credentials';
import { currencyOptions, optionsCollection, showFor, timeoutOption } from '../../shared/descriptions';
import { sendPostbackRequest, timeoutOf } from '../../shared/transport';

const displayOptions = showFor('postback', 'sendTestPostback');

/** Longest answer body an output item carries; a trigger answers `OK`, n8n a short JSON message. */
export const MAX_BODY_LENGTH = 1000;

const EVENT_LABELS: Record<(typeof POSTBACK_EVENTS)[number], { name: string; description: string }> = {
	purchase: { name: 'Purchase', description: 'A one-off purchase was paid (no event parameter)' },
	credit: { name: 'Credit (Refund)', description: 'A payment was refunded (with parentID)' },
	chargeback: { name: 'Chargeback', description: "A payment was reversed by the buyer's bank (with parentID)" },
	initial: { name: 'Initial (Subscription Started)', description: 'A subscription was started and paid' },
	rebill: { name: 'Rebill', description: 'A subscription was charged again (amount and currency)' },
	extend: { name: 'Extend', description: 'A subscription was extended' },
	upgrade: { name: 'Upgrade', description: 'A subscription was upgraded' },
	downgrade: { name: 'Downgrade', description: 'A subscription was downgraded' },
	cancel: { name: 'Cancel', description: 'A subscription was cancelled' },
	uncancel: { name: 'Uncancel', description: 'A cancelled subscription was resumed' },
	expiry: { name: 'Expiry', description: 'A subscription ended' },
};

export const description: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. http://localhost:5678/webhook-test/1a2b3c/webhook',
		description:
			'Test URL or Production URL of the Verotel FlexPay Trigger that should receive the postback (http or https, without a query)',
		displayOptions,
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: POSTBACK_EVENTS.map((value) => ({ value, ...EVENT_LABELS[value] })).sort((a, b) =>
			a.name.localeCompare(b.name),
		),
		default: 'purchase',
		description: 'Which postback to send; the parameters it carries are the ones Verotel sends for that event',
		displayOptions,
	},
	optionsCollection(displayOptions, [
		{
			displayName: 'Amount',
			name: 'amount',
			type: 'string',
			default: '9.99', // SAMPLE_POSTBACK_DEFAULTS.amount (the lint wants a literal; a test keeps them equal)
			placeholder: 'e.g. 9.99',
			description: 'Price amount of the sale (on a rebill sent as amount, otherwise as priceAmount)',
		},
		{
			displayName: 'Currency',
			name: 'currency',
			type: 'options',
			options: currencyOptions,
			default: 'EUR', // SAMPLE_POSTBACK_DEFAULTS.currency
			description: 'Currency of the amount',
		},
		{
			displayName: 'Custom 1',
			name: 'custom1',
			type: 'string',
			default: '',
			description: 'Pass-through value, as your payment link would have sent it',
		},
		{
			displayName: 'Reference ID',
			name: 'referenceID',
			type: 'string',
			default: '',
			placeholder: 'e.g. order-1001',
			description: 'Your own reference of the order; empty: "order-" followed by the Sale ID',
		},
		{
			displayName: 'Sale ID',
			name: 'saleID',
			type: 'string',
			default: '',
			placeholder: 'e.g. 433456',
			description: "Verotel's sale ID (digits); empty: a random one for each item",
		},
		timeoutOption('Time in milliseconds to wait for the answer before giving up'),
	]),
];

const URL_EXAMPLE =
	'Paste the Test URL or the Production URL shown in the Verotel FlexPay Trigger, e.g. https://n8n.example.com/webhook/1a2b3c/webhook.';

function urlError(this: IExecuteFunctions, itemIndex: number, message: string, fix: string): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { itemIndex, description: `Parameter: URL. ${fix}` });
}

/** The trigger URL without query and fragment, or a field error that says what to fix. */
export function checkTriggerUrl(this: IExecuteFunctions, value: unknown, itemIndex: number): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') throw urlError.call(this, itemIndex, 'URL is empty', URL_EXAMPLE);
	const parsed = parseAbsoluteUrl(text);
	if (!parsed) {
		throw urlError.call(this, itemIndex, `URL "${excerpt(text, 100)}" is not a full URL`, URL_EXAMPLE);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw urlError.call(this, itemIndex, `URL must start with http:// or https://, not ${excerpt(parsed.protocol, 20)}//`, URL_EXAMPLE);
	}
	if (parsed.username !== '' || parsed.password !== '') {
		throw urlError.call(this, itemIndex, 'URL must not contain a user name or password', URL_EXAMPLE);
	}
	if (parsed.search !== '') {
		throw urlError.call(
			this,
			itemIndex,
			'URL must not contain a query (?…)',
			'Remove everything from "?" on: the postback brings its own signed query, and the trigger refuses any extra parameter.',
		);
	}
	return `${parsed.origin}${parsed.pathname}`;
}

/** How to fix a postback that was not answered 200 OK, by the status the trigger (or n8n) answered. */
export function hintFor(statusCode: number): string {
	if (statusCode === 200) {
		return 'Something answered, but not with the trigger\'s plain "OK": check that the URL is the one a Verotel FlexPay Trigger shows.';
	}
	if (statusCode === 400) return 'The trigger found the postback malformed; the body says why.';
	if (statusCode === 401) {
		return "The trigger rejected the signature: its credential holds another Signature Key than this node's. Use the same Verotel FlexPay credential in both nodes.";
	}
	if (statusCode === 403) {
		return "The postback is for another website: the trigger's credential has another Shop ID than this node's. Use the same Verotel FlexPay credential in both nodes.";
	}
	if (statusCode === 404) {
		return 'n8n has no webhook listening at this URL: for the Test URL click "Execute workflow" (or "Listen for test event") on the trigger first, each click accepts one postback; for the Production URL publish (activate) the workflow. Check that the path is copied completely.';
	}
	if (statusCode === 503) {
		return "The trigger's credential is missing or incomplete; the n8n log says what to fix.";
	}
	return 'The postback was not accepted; the body and the n8n log say why.';
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const url = checkTriggerUrl.call(this, this.getNodeParameter('url', itemIndex), itemIndex);
	const event = this.getNodeParameter('event', itemIndex) as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const config = await getFlexPayConfig.call(this, itemIndex);
	const referenceID = options.referenceID as ParamValue;
	const postback = buildSamplePostback(config, {
		event,
		saleID: options.saleID as ParamValue,
		// An ID, even when it is the merchant's: a number past 2^53 is refused rather than sent rounded.
		referenceID: isEmpty(referenceID) ? undefined : idText('referenceID', referenceID),
		amount: options.amount as string | undefined,
		currency: options.currency as string | undefined,
		custom1: options.custom1 as string | undefined,
	});
	const answer = await sendPostbackRequest.call(this, url, postback.query, timeoutOf(options), itemIndex);
	const ok = answer.statusCode === 200 && answer.body === POSTBACK_OK;
	return {
		url,
		event: postback.event,
		saleID: postback.saleID,
		params: { ...postback.params },
		statusCode: answer.statusCode,
		body: cutText(answer.body, MAX_BODY_LENGTH),
		ok,
		...(ok ? {} : { hint: hintFor(answer.statusCode) }),
	};
}
