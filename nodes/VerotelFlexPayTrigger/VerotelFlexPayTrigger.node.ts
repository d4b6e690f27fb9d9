import {
	NodeConnectionTypes,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { parsePostback, type FlexPayPostback } from '../../lib';
import {
	buildItem,
	cacheCredentials,
	claimRecentKey,
	classifyError,
	CREDENTIAL_TYPE,
	EVENT_OPTIONS,
	isEventSelected,
	getCachedCredentials,
	isRememberedKey,
	lookupSale,
	readSignedPayload,
	rememberKey,
	resolveOptions,
	safeReason,
	sendText,
	type PostbackRequest,
	type PostbackResponse,
} from './VerotelFlexPayTriggerHelpers';

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
				name: 'verotelFlexPayApi',
				required: true,
			},
		],
		webhooks: [
			{
				// Verotel sends postbacks as GET requests with the data in the query string.
				name: 'default',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: 'webhook',
			},
			{
				// Same path for form-encoded POSTs (tools, proxies); same URL, so the URL is shown once.
				name: 'setup',
				httpMethod: 'POST',
				responseMode: 'onReceived',
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
					'Paste the <b>production URL</b> shown above into Verotel Control Center: Setup Websites, your website, FlexPay options, "Flexpay postback script URL". Every valid postback is answered with <code>OK</code> before the workflow runs; a wrong signature key in the credential makes every postback fail (and Verotel refunds card sales that get no OK), so try the test URL first.',
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
							'Whether to ask the FlexPay status service for the sale (email, billing address, sale result) after answering OK, and add it to the item as "sale"',
					},
					{
						displayName: 'Ignore Repeated Postbacks',
						name: 'ignoreRepeats',
						type: 'boolean',
						default: true,
						description:
							'Whether to answer a postback whose idempotency key was already seen (among the last 1,000) with OK without starting the workflow again',
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
		const res = this.getResponseObject() as PostbackResponse;
		const receivedAt = new Date();
		const httpMethod = (req.method ?? (this.getWebhookName() === 'setup' ? 'POST' : 'GET')).toUpperCase();

		let credentials: ICredentialDataDecryptedObject = {};
		let postback: FlexPayPostback | undefined;
		let options: ReturnType<typeof resolveOptions>;
		const node = this.getNode();
		const credentialScope = `${this.getWorkflow()?.id ?? ''}:${node.id ?? node.name}:${node.credentials?.[CREDENTIAL_TYPE]?.id ?? ''}`;
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
				postback = verifyOrUndefined(() => verify(cached));
			}
			if (!postback) {
				credentials = await this.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
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
			sendText(res, 200, 'OK');
			this.logger.debug(`Verotel FlexPay Trigger answered OK to a "${postback.event}" postback without a run: the event is not selected`, logMeta);
			return { noWebhookResponse: true };
		}
		// In test mode ("Listen for test event") every call runs: swallowing it would leave the editor waiting.
		if (options.ignoreRepeats && this.getMode() !== 'manual') {
			let repeat = false;
			try {
				const staticData = this.getWorkflowStaticData('node');
				const node = this.getNode();
				const scope = `${this.getWorkflow()?.id ?? ''}:${node.id ?? node.name}`;
				repeat = isRememberedKey(staticData, postback.idempotencyKey) || !claimRecentKey(scope, postback.idempotencyKey);
				if (!repeat) rememberKey(staticData, postback.idempotencyKey);
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
				sendText(res, 200, 'OK');
				this.logger.info('Verotel FlexPay Trigger answered OK to a repeated postback without a run: it was already received', logMeta);
				return { noWebhookResponse: true };
			}
		}

		// Verotel refunds card sales that get no OK: answer before anything slow happens.
		sendText(res, 200, 'OK');

		const item = buildItem(postback, httpMethod, receivedAt);
		if (options.fetchSaleDetails) {
			try {
				Object.assign(item, await lookupSale.call(this, postback, credentials));
			} catch (error) {
				const reason = safeReason(error instanceof Error ? error.message : String(error), credentials.signatureKey as string);
				item.saleLookup = { ok: false, reason };
				this.logger.warn(`Verotel FlexPay Trigger sale lookup failed: ${reason}`, logMeta);
			}
		}
		return { noWebhookResponse: true, workflowData: [[{ json: item }]] };
	}
}

/** The postback, or undefined when these credentials do not accept it (the caller then reads them afresh). */
function verifyOrUndefined(verify: () => FlexPayPostback): FlexPayPostback | undefined {
	try {
		return verify();
	} catch {
		return undefined;
	}
}
