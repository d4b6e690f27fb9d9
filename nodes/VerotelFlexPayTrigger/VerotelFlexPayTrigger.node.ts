import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayValidationError,
	idempotencyScopeOf,
	parsePostback,
	type FlexPayPostback,
} from '../../lib';
import { cacheCredentials, getCachedCredentials, mayRereadCredentials } from './credentialCache';
import { earlierDeliveryAnswered, isStoredRepeat, rememberPostback, trackDelivery, type AnsweredResponse } from './repeatStore';
import { readSignedPayload, type PostbackRequest } from './request';
import { recordSaleOpenings } from './saleRecord';
import {
	buildItem,
	classifyError,
	EVENT_OPTIONS,
	isEventSelected,
	lookupSale,
	resolveOptions,
	safeReason,
	sendText,
	type PostbackResponse,
	type TriggerOptions,
} from './VerotelFlexPayTriggerHelpers';

/** The answer Verotel needs; anything else counts as not delivered. */
const OK = 'OK';

/**
 * "When the Execution Is Stored" leaves the answer to n8n (onReceived);
 * "When the Workflow Starts" makes n8n wait for the answer the trigger's
 * execute() sends (responseNode), the only durable answer on n8n 1.x.
 */
const RESPONSE_MODE = '={{$parameter["options"]["answerOk"] === "whenRunStarts" ? "responseNode" : "onReceived"}}';

/**
 * Records the run's postbacks in the repeat store once more, from inside the execution.
 * n8n 2.x does not save the webhook's change: its run() wraps the same static data again,
 * which clears n8n's change mark before the webhook's save; n8n saves static data that a run
 * changed when the run ends (in queue mode on the worker), so this is what persists the key.
 */
function rememberRun(staticData: IDataObject, items: INodeExecutionData[]): void {
	for (const { json } of items) {
		if (typeof json.idempotencyKey !== 'string') continue;
		rememberPostback(staticData, { idempotencyKey: json.idempotencyKey, idempotencyScope: idempotencyScopeOf(json.idempotencyKey) });
	}
}

export class VerotelFlexPayTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Verotel FlexPay Trigger',
		name: 'verotelFlexPayTrigger',
		icon: { light: 'file:../../icons/flexpay.svg', dark: 'file:../../icons/flexpay.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Postbacks: " + (($parameter["options"] && $parameter["options"]["events"]) ? $parameter["options"]["events"].join(", ") : "all events")}}',
		description: 'Starts the workflow on verified Verotel FlexPay postbacks (sales, refunds, chargebacks, subscriptions)',
		eventTriggerDescription: 'Waiting for a postback from Verotel on the test URL',
		activationMessage:
			'Verotel postbacks to the production URL now start this workflow. Make sure that URL is set as "Flexpay postback script URL" in Control Center.',
		defaults: {
			name: 'Verotel FlexPay Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: FLEXPAY_CREDENTIAL_TYPE,
				required: true,
			},
		],
		webhooks: [
			{
				// Verotel sends postbacks as GET requests with the data in the query string.
				name: 'default',
				httpMethod: 'GET',
				responseMode: RESPONSE_MODE,
				// The body n8n sends once it has stored the execution (n8n 2.x defers an
				// onReceived answer until then; without this it would answer "firstEntryJson").
				responseData: OK,
				path: 'webhook',
			},
			{
				// Same path for form-encoded POSTs (tools, proxies); same URL, so the URL is shown once.
				name: 'setup',
				httpMethod: 'POST',
				responseMode: RESPONSE_MODE,
				responseData: OK,
				path: 'webhook',
				ndvHideUrl: true,
			},
		],
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Listen for test event', then send a postback to the <b>test URL</b> (e.g. with Control Center's postback test tool pointed at it). The test URL accepts one call per click; the signature only covers the query, so a postback signed for the production URL verifies on the test URL too.<br /><br /><b>Once you're happy with your workflow</b>, paste the <b>production URL</b> into Control Center (Setup Websites, your website, FlexPay options, 'Flexpay postback script URL') and publish the workflow. Those executions show up in the <a data-key='executions'>executions list</a>, but not in the editor.",
				active:
					"<b>While building your workflow</b>, click 'Listen for test event', then send a postback to the <b>test URL</b>. The test URL accepts one call per click.<br /><br /><b>Your workflow also runs automatically</b> for every postback Verotel sends to the <b>production URL</b> set as 'Flexpay postback script URL' in Control Center. Those executions show up in the <a data-key='executions'>executions list</a>, but not in the editor.",
			},
			activationHint:
				"Once you've finished building your workflow, paste the production URL into Control Center as 'Flexpay postback script URL' and publish the workflow; you won't need to click this button.",
		},
		properties: [
			{
				displayName:
					'Paste the <b>production URL</b> shown above into Verotel Control Center: Setup Websites, your website, FlexPay options, "Flexpay postback script URL". Every valid postback is answered with <code>OK</code> as soon as n8n has stored its execution, before the workflow runs; a wrong signature key in the credential makes every postback fail (and Verotel refunds card sales that get no OK), so try the test URL first.',
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
									'The trigger answers OK from inside the execution, which n8n has stored by then on every version. Use it on n8n 1.x. The answer waits until the execution starts.',
							},
						],
						default: 'whenStored',
						description: 'When Verotel gets its OK. Verotel never sends a postback again once it got OK, so the OK must only leave once n8n has stored the postback.',
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
						description:
							'Whether to ask the FlexPay status service for the sale (email, billing address, sale result) once the execution runs, and add it to the item as "sale"',
					},
					{
						displayName: 'Ignore Repeated Postbacks',
						name: 'ignoreRepeats',
						type: 'boolean',
						default: true,
						description:
							'Whether to answer a repeat of an accepted postback with OK and not run the workflow for it again (remembers the last 1,000 sales, and the openings of the last 5,000 in n8n\'s deduplication store)',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			// Verotel has no API to register postback URLs: the user pastes the URL
			// into Control Center by hand, so there is nothing to check, create or delete.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default');
				this.logger.info(
					`Verotel FlexPay Trigger: set ${url ?? 'the production URL'} as "Flexpay postback script URL" in Control Center`,
				);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject() as PostbackRequest;
		const res = this.getResponseObject() as PostbackResponse & AnsweredResponse;
		const receivedAt = new Date();
		const httpMethod = (req.method ?? (this.getWebhookName() === 'setup' ? 'POST' : 'GET')).toUpperCase();
		const node = this.getNode();
		const triggerScope = `${this.getWorkflow()?.id ?? ''}:${node.id ?? node.name}`;
		const credentialScope = `${triggerScope}:${node.credentials?.[FLEXPAY_CREDENTIAL_TYPE]?.id ?? ''}`;

		let credentials: ICredentialDataDecryptedObject = {};
		let postback: FlexPayPostback | undefined;
		let options: TriggerOptions;
		try {
			options = resolveOptions(this.getNodeParameter('options', {}) as IDataObject);
			const payload = await readSignedPayload(req);
			const verify = (c: ICredentialDataDecryptedObject) =>
				parsePostback(
					payload.raw,
					{ shopId: c.shopId as string, signatureKey: c.signatureKey as string },
					{ allowSha1: options.allowSha1 },
				);
			const cached = getCachedCredentials(credentialScope);
			if (cached) {
				credentials = cached;
				const outcome = attempt(() => verify(cached));
				postback = outcome.postback;
				// Only a refusal that a changed credential could turn into an accept reads it again.
				if (outcome.error !== undefined && (!dependsOnCredential(outcome.error) || !mayRereadCredentials(credentialScope))) {
					throw outcome.error;
				}
			}
			if (!postback) {
				credentials = await this.getCredentials<ICredentialDataDecryptedObject>(FLEXPAY_CREDENTIAL_TYPE);
				cacheCredentials(credentialScope, credentials);
				postback = verify(credentials);
			}
		} catch (error) {
			const key = typeof credentials.signatureKey === 'string' ? credentials.signatureKey : undefined;
			const rejection = classifyError(error, key);
			sendText(res, rejection.statusCode, rejection.body);
			const meta = { statusCode: rejection.statusCode, code: rejection.code, httpMethod };
			if (rejection.level === 'error') this.logger.error(rejection.message, meta);
			else this.logger.warn(rejection.message, meta);
			return { noWebhookResponse: true };
		}

		const logMeta = { event: postback.event, saleID: postback.saleID ?? null, idempotencyKey: postback.idempotencyKey };
		if (!isEventSelected(postback.event, options.events)) {
			// Nothing to record: the workflow would not run for this event anyway.
			sendText(res, 200, OK);
			this.logger.debug(`Verotel FlexPay Trigger answered OK to a "${postback.event}" postback without a run: the event is not selected`, logMeta);
			return { noWebhookResponse: true };
		}
		// In test mode ("Listen for test event") every call runs: swallowing it would leave the editor waiting.
		if (options.ignoreRepeats && this.getMode() !== 'manual') {
			let repeat = false;
			try {
				const staticData = this.getWorkflowStaticData('node');
				repeat = isStoredRepeat(staticData, postback) || (await earlierDeliveryAnswered(triggerScope, postback));
				if (!repeat) {
					rememberPostback(staticData, postback);
					trackDelivery(triggerScope, postback, res);
				}
			} catch (error) {
				// A valid postback must still get its OK and its run; only the repeat check is lost.
				this.logger.error(
					`Verotel FlexPay Trigger could not check for a repeated postback, running the workflow anyway: ${safeReason(
						error instanceof Error ? error.message : String(error),
						credentials.signatureKey as string,
					)}`,
					logMeta,
				);
			}
			if (repeat) {
				sendText(res, 200, OK);
				this.logger.info('Verotel FlexPay Trigger answered OK to a repeated postback without a run: its execution is already stored', logMeta);
				return { noWebhookResponse: true };
			}
		}

		// n8n sends the OK (responseData) once it has stored the execution, or execute()
		// sends it when the run starts; Express keeps this type for either answer.
		if (res.headersSent !== true) res.type('text/plain');
		return { workflowData: [[{ json: buildItem(postback, httpMethod, receivedAt) }]] };
	}

	/**
	 * Runs inside the execution n8n stored for the postback: everything that may
	 * be slow or fail happens here, after the hand-over, never before the OK.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const options = resolveOptions(this.getNodeParameter('options', 0, {}) as IDataObject);
		if (options.answerOk === 'whenRunStarts') {
			// A Buffer body is written at once on every n8n line; n8n 1.x ends a text body's
			// response before it sends it whenever the run changed static data (the repeat store).
			// n8n 2.x returns a promise (typed void): awaited, so a failure to answer fails this run.
			const answered: unknown = this.sendResponse({
				body: Buffer.from(OK),
				statusCode: 200,
				headers: { 'content-type': 'text/plain; charset=utf-8' },
			});
			await answered;
		}
		let items = this.getInputData().map((item, index): INodeExecutionData => ({ json: { ...item.json }, pairedItem: { item: index } }));
		if (options.ignoreRepeats && this.getMode() !== 'manual') {
			rememberRun(this.getWorkflowStaticData('node'), items);
			items = await runnableItems.call(this, items);
		}
		if (!options.fetchSaleDetails || items.length === 0) return [items];

		let credentials: ICredentialDataDecryptedObject;
		try {
			credentials = await this.getCredentials<ICredentialDataDecryptedObject>(FLEXPAY_CREDENTIAL_TYPE);
		} catch (error) {
			// The postback is stored and answered: its item goes on, with the lookup marked failed.
			const reason = `The credential could not be read: ${safeReason(error instanceof Error ? error.message : String(error))}`;
			for (const item of items) item.json.saleLookup = { ok: false, reason };
			this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`);
			return [items];
		}
		for (const item of items) {
			const postback = item.json as Pick<FlexPayPostback, 'saleID' | 'referenceID'>;
			try {
				Object.assign(item.json, await lookupSale.call(this, postback, credentials));
			} catch (error) {
				const reason = safeReason(error instanceof Error ? error.message : String(error), credentials.signatureKey as string);
				item.json.saleLookup = { ok: false, reason };
				this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`, { saleID: postback.saleID ?? null });
			}
		}
		return [items];
	}
}

/**
 * The items whose sale no earlier run has opened (saleRecord.ts). A repeat that
 * got past the webhook's check (another process, or a key lost from static
 * data) ends here: its execution is stored, it passes no item on.
 */
async function runnableItems(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	try {
		const runnable = await recordSaleOpenings.call(this, items);
		for (const { json } of items.filter((item) => !runnable.includes(item))) {
			this.logger.info('Verotel FlexPay Trigger passed a repeated postback on to nothing: an earlier run already opened its sale', {
				event: json.event,
				saleID: json.saleID ?? null,
				idempotencyKey: json.idempotencyKey,
			});
		}
		return runnable;
	} catch (error) {
		// The sale must still run; only the repeat check is lost.
		this.logger.error(
			`Verotel FlexPay Trigger could not check n8n's deduplication store for a repeated postback, running anyway: ${safeReason(
				error instanceof Error ? error.message : String(error),
			)}`,
		);
		return items;
	}
}

/** The postback, or what refused it. */
function attempt(verify: () => FlexPayPostback): { postback?: FlexPayPostback; error?: unknown } {
	try {
		return { postback: verify() };
	} catch (error) {
		return { error };
	}
}

/**
 * Refusals that a corrected signature key or shop ID could turn into an accept.
 * FlexPayValidationError: the cached credential itself is unusable (empty key,
 * shop ID not numeric); it is cached before it is checked, so without this a
 * fixed credential would only be read again once the cache entry expires.
 */
function dependsOnCredential(error: unknown): boolean {
	return (
		error instanceof FlexPayShopMismatchError ||
		error instanceof FlexPayValidationError ||
		(error instanceof FlexPaySignatureError && error.code !== 'SIGNATURE_MISSING')
	);
}
