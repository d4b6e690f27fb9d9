import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildSamplePostback, excerpt, parseAbsoluteUrl, POSTBACK_OK } from '../../../../lib';
import { optionalIdText, type ParamValue } from '../../../../lib/validation';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { KNOWN_EVENT_OPTIONS } from '../../../shared/events';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import { safeReason } from '../../../shared/redaction';
import {
	currencyOptions,
	optionsCollection,
	showFor,
	timeoutOption,
} from '../../helpers/descriptions';
import { sendPostbackRequest, timeoutOf } from '../../transport/request';

const displayOptions = showFor('postback', 'sendTestPostback');

/**
 * Longest excerpt of the answer an output item carries. A trigger answers `OK`
 * and n8n a short JSON message; anything longer is not a trigger, and its
 * content is not this node's to pass on (it could be an internal page).
 */
export const MAX_BODY_LENGTH = 100;

/** An example of the URLs the node sends to, as a Verotel FlexPay Trigger shows them. */
const TRIGGER_URL_EXAMPLE =
	'https://n8n.example.com/webhook/8d0f2b4c-6e8a-4c1d-9f3b-7a9c1e3d5f01/webhook';

export const description: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder:
			'e.g. http://localhost:5678/webhook-test/8d0f2b4c-6e8a-4c1d-9f3b-7a9c1e3d5f01/webhook',
		description:
			'Test URL or Production URL of the Verotel FlexPay Trigger that should receive the postback. Only such n8n webhook URLs are accepted: http or https, no query, the path ending in the webhook ID n8n gave the trigger (a UUID) and /webhook, as in the placeholder.',
		displayOptions,
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: KNOWN_EVENT_OPTIONS,
		default: 'purchase',
		description:
			'Which postback to send; the parameters it carries are the ones Verotel sends for that event',
		displayOptions,
	},
	optionsCollection(displayOptions, [
		{
			displayName: 'Amount',
			name: 'amount',
			type: 'string',
			default: '9.99', // SAMPLE_POSTBACK_DEFAULTS.amount (the lint wants a literal; a test keeps them equal)
			placeholder: 'e.g. 9.99',
			description:
				'Price amount of the sale (on a rebill sent as amount, otherwise as priceAmount)',
		},
		{
			displayName: 'Buyer Email',
			name: 'buyerEmail',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description:
				"E-mail of the sample sale the trigger's Fetch Sale Details reports for this test postback (signed into it as testBuyerEmail), e.g. your own, so your test run's mail reaches you. Empty: buyer@example.com.",
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

const URL_EXAMPLE = `Paste the Test URL or the Production URL shown in the Verotel FlexPay Trigger, e.g. ${TRIGGER_URL_EXAMPLE}.`;

/**
 * The path of a Verotel FlexPay Trigger's webhook URL, as n8n forms it
 * (n8n-workflow getNodeWebhookPath): n8n's webhook prefix (`/webhook/`,
 * `/webhook-test/`, whatever N8N_ENDPOINT_WEBHOOK* say, behind a proxy's
 * sub-path), then the node's webhookId (a UUID the editor gives it) and the
 * trigger's webhook path `webhook`. The node signs postbacks with the real key
 * and reports what answered, so it sends nowhere else: not to internal
 * services, not to other webhooks. Prefix segments are plain characters only;
 * `%`, `;` and the like could make a server read another path than checked.
 */
const TRIGGER_PATH =
	/^(?:\/[A-Za-z0-9._~-]+)*\/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\/webhook$/;

function urlError(
	this: IExecuteFunctions,
	itemIndex: number,
	message: string,
	fix: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, {
		itemIndex,
		description: `Parameter: URL. ${fix}`,
	});
}

/** The trigger URL without query and fragment, or a field error that says what to fix. */
export function checkTriggerUrl(
	this: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') throw urlError.call(this, itemIndex, 'URL is empty', URL_EXAMPLE);
	const parsed = parseAbsoluteUrl(text);
	if (!parsed) {
		throw urlError.call(
			this,
			itemIndex,
			`URL "${excerpt(text, 100)}" is not a full URL`,
			URL_EXAMPLE,
		);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw urlError.call(
			this,
			itemIndex,
			`URL must start with http:// or https://, not ${excerpt(parsed.protocol, 20)}//`,
			URL_EXAMPLE,
		);
	}
	if (parsed.username !== '' || parsed.password !== '') {
		throw urlError.call(
			this,
			itemIndex,
			'URL must not contain a user name or password',
			URL_EXAMPLE,
		);
	}
	if (parsed.search !== '') {
		throw urlError.call(
			this,
			itemIndex,
			'URL must not contain a query (?…)',
			'Remove everything from "?" on: the postback brings its own signed query, and the trigger refuses any extra parameter.',
		);
	}
	if (!TRIGGER_PATH.test(parsed.pathname)) {
		throw urlError.call(
			this,
			itemIndex,
			'URL is not the address of a Verotel FlexPay Trigger: its path must end in /<webhook ID>/webhook',
			`The node sends test postbacks only to n8n webhook URLs of a Verotel FlexPay Trigger: n8n's webhook prefix (such as /webhook/ or /webhook-test/), the trigger's webhook ID (a UUID) and /webhook, e.g. ${TRIGGER_URL_EXAMPLE}. Copy the Test URL or the Production URL from the trigger's panel.`,
		);
	}
	return `${parsed.origin}${parsed.pathname}`;
}

/** How to fix a postback that was not answered 200 OK, by the status the trigger (or n8n) answered. */
export function hintFor(statusCode: number): string {
	if (statusCode === 200) {
		return 'Something answered, but not with the trigger\'s plain "OK": check that the URL is the one a Verotel FlexPay Trigger shows.';
	}
	if (statusCode >= 300 && statusCode < 400) {
		return 'The server answered with a redirect, which the node does not follow: a trigger answers at its own URL. Copy the URL exactly as the trigger shows it (behind a proxy often https:// rather than http://).';
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
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const postback = buildSamplePostback(config, {
		event,
		saleID: options.saleID as ParamValue,
		// An ID, even when it is the merchant's: a number past 2^53 is refused rather than sent rounded.
		referenceID: optionalIdText('referenceID', options.referenceID as ParamValue),
		amount: options.amount as string | undefined,
		currency: options.currency as string | undefined,
		custom1: options.custom1 as string | undefined,
		buyerEmail: options.buyerEmail as string | undefined,
	});
	const answer = await sendPostbackRequest.call(
		this,
		url,
		postback.query,
		timeoutOf(options),
		itemIndex,
	);
	const ok = answer.statusCode === 200 && answer.body === POSTBACK_OK;
	return {
		url,
		event: postback.event,
		saleID: postback.saleID,
		params: { ...postback.params },
		statusCode: answer.statusCode,
		// A URL that is not the trigger may echo the signed query back: no signature, no key.
		body: safeReason(answer.body, config.signatureKey, MAX_BODY_LENGTH),
		ok,
		...(ok ? {} : { hint: hintFor(answer.statusCode) }),
	};
}
