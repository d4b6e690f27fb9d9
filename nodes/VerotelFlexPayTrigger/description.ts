/** The trigger's face in the editor: webhooks, help panel and options. */
import type { INodeProperties, INodeTypeDescription, WebhookType } from 'n8n-workflow';

import { POSTBACK_OK } from '../../lib';
import { EVENT_OPTIONS } from '../shared/events';

/**
 * "When the Execution Is Stored" leaves the answer to n8n (onReceived);
 * "When the Workflow Starts" makes n8n wait for the answer the trigger's
 * execute() sends (responseNode), the only durable answer on n8n 1.x.
 */
const RESPONSE_MODE =
	'={{$parameter["options"]["answerOk"] === "whenRunStarts" ? "responseNode" : "onReceived"}}';

/**
 * The form-POST variant of the postback URL. n8n's webhook names are only
 * 'default' and 'setup' (WebhookType), so its second webhook is named 'setup'.
 */
export const FORM_POST_WEBHOOK: WebhookType = 'setup';

export const webhooks: INodeTypeDescription['webhooks'] = [
	{
		// Verotel sends postbacks as GET requests with the data in the query string.
		name: 'default',
		httpMethod: 'GET',
		responseMode: RESPONSE_MODE,
		// The body n8n sends once it has stored the execution (n8n 2.x defers an
		// onReceived answer until then; without this it would answer "firstEntryJson").
		responseData: POSTBACK_OK,
		path: 'webhook',
	},
	{
		// Form-encoded POSTs (tools, proxies) on the same path, so the URL is shown once.
		name: FORM_POST_WEBHOOK,
		httpMethod: 'POST',
		responseMode: RESPONSE_MODE,
		responseData: POSTBACK_OK,
		path: 'webhook',
		ndvHideUrl: true,
	},
];

export const triggerPanel: INodeTypeDescription['triggerPanel'] = {
	header: '',
	executionsHelp: {
		inactive:
			"<b>While building your workflow</b>, click 'Listen for test event', then send a postback to the <b>test URL</b> (e.g. with Control Center's postback test tool pointed at it). The test URL accepts one call per click; the signature only covers the query, so a postback signed for the production URL verifies on the test URL too.<br /><br /><b>Once you're happy with your workflow</b>, paste the <b>production URL</b> into Control Center (Setup Websites, your website, FlexPay options, 'Flexpay postback script URL') and publish the workflow. Those executions show up in the <a data-key='executions'>executions list</a>, but not in the editor.",
		active:
			"<b>While building your workflow</b>, click 'Listen for test event', then send a postback to the <b>test URL</b>. The test URL accepts one call per click.<br /><br /><b>Your workflow also runs automatically</b> for every postback Verotel sends to the <b>production URL</b> set as 'Flexpay postback script URL' in Control Center. Those executions show up in the <a data-key='executions'>executions list</a>, but not in the editor.",
	},
	activationHint:
		"Once you've finished building your workflow, paste the production URL into Control Center as 'Flexpay postback script URL' and publish the workflow; you won't need to click this button.",
};

const FETCH_SALE_DETAILS =
	'Whether to ask the FlexPay status service for the sale (email, billing address, sale result) once the execution runs, and add it to the item as "sale", with "confirmed": whether the service confirms what the postback says. A test postback gets a sample sale marked "sample" instead, with the e-mail its sender gave';

const FETCH_SALE_DETAILS_BY_DEFAULT = `${FETCH_SALE_DETAILS}. On unless turned off.`;

export const properties: INodeProperties[] = [
	{
		displayName:
			'Paste the <b>production URL</b> shown above into Verotel Control Center: Setup Websites, your website, FlexPay options, "Flexpay postback script URL". Every valid postback is answered with <code>OK</code>, never before n8n has stored the execution that runs it (option Answer OK); a wrong signature key in the credential makes every postback fail (and Verotel refunds card sales that get no OK), so try the test URL first.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Accept Legacy SHA-1 Signatures',
				name: 'allowSha1',
				type: 'boolean',
				default: true,
				description:
					'Whether to accept postbacks signed with the legacy SHA-1 hash as well as SHA-256, as Verotel’s official clients do',
			},
			{
				displayName: 'Answer OK',
				name: 'answerOk',
				type: 'options',
				options: [
					{
						name: 'When the Execution Is Stored',
						value: 'whenStored',
						description:
							'N8n answers OK once it has stored the execution with the postback (n8n 2.x; n8n 1.x answers before it stores it)',
					},
					{
						name: 'When the Workflow Starts',
						value: 'whenRunStarts',
						description:
							'The trigger answers OK from inside the execution, which n8n has stored by then on every version, as its last step (after Fetch Sale Details and the repeat check, which waits for the next record write). Use it on n8n 1.x. The answer waits until the execution starts.',
					},
				],
				default: 'whenStored',
				description:
					'When Verotel gets its OK. Verotel never sends a postback again once it got OK, so the OK must only leave once n8n has stored the postback.',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: EVENT_OPTIONS,
				default: [
					'cancel',
					'chargeback',
					'credit',
					'downgrade',
					'expiry',
					'extend',
					'initial',
					'other',
					'purchase',
					'rebill',
					'uncancel',
					'upgrade',
				],
				description:
					'Which postback events start the workflow. Postbacks for other events are still verified and answered with OK.',
			},
			{
				displayName: 'Fetch Sale Details',
				name: 'fetchSaleDetails',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '@version': [1] } },
				description: FETCH_SALE_DETAILS,
			},
			{
				displayName: 'Fetch Sale Details',
				name: 'fetchSaleDetails',
				type: 'boolean',
				default: true,
				displayOptions: { show: { '@version': [2] } },
				description: FETCH_SALE_DETAILS_BY_DEFAULT,
			},
			{
				displayName: 'Grant Access Only When Confirmed',
				name: 'grantOnlyWhenConfirmed',
				type: 'boolean',
				default: false,
				description:
					'Whether "access.action" may be grant or extend only when the FlexPay status service confirms the sale (found, approved, same IDs; for purchase, initial and upgrade also the same amount and currency). Otherwise it is none, with the reason. Turns on Fetch Sale Details. Revokes are never held back, and Verotel still gets its OK.',
			},
			{
				displayName: 'Ignore Repeated Postbacks',
				name: 'ignoreRepeats',
				type: 'boolean',
				default: true,
				description:
					"Whether a repeat of an accepted postback stops at the trigger: it is answered OK and stored, but passes nothing on (remembers the last 5,000 postbacks in n8n's deduplication store)",
			},
			{
				displayName: 'Run Test Postbacks on the Production URL',
				name: 'runTestPostbacks',
				type: 'boolean',
				default: false,
				description:
					'Whether a test postback (made with your key by the Verotel FlexPay node\'s Send Test Postback or the postback simulator; "test": true in the item) runs the workflow when it reaches the production URL. Off, it is answered OK without a run, so a copied sample never grants anything. The test URL always runs them.',
			},
		],
	},
];
