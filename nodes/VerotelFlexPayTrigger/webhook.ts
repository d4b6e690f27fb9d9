import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import { parsePostback, POSTBACK_OK, type FlexPayPostback } from '../../lib';
import { readFlexPayConfigUnchecked } from '../shared/flexPayConfig';
import { sendText, type PostbackResponse } from './answer';
import { cacheCredentials, getCachedCredentials, mayRereadCredentials } from './credentialCache';
import { buildItem } from './item';
import { isEventSelected, resolveOptions, type TriggerOptions } from './options';
import { safeErrorReason } from './redaction';
import { classifyError, dependsOnCredential } from './rejection';
import {
	earlierDeliveryAnswered,
	isStoredRepeat,
	rememberPostback,
	trackDelivery,
	type AnsweredResponse,
} from './repeatStore';
import { readSignedPayload, type PostbackRequest } from './request';

/**
 * Verifies a postback and hands it over as the execution's item, or answers it
 * itself: a refusal, an OK for an event that is not selected, an OK for a repeat.
 */
export async function receivePostback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as PostbackRequest;
	const res = this.getResponseObject() as PostbackResponse & AnsweredResponse;
	const receivedAt = new Date();
	const httpMethod = (
		req.method ?? (this.getWebhookName() === 'setup' ? 'POST' : 'GET')
	).toUpperCase();
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
			parsePostback(payload.raw, readFlexPayConfigUnchecked(c), { allowSha1: options.allowSha1 });
		const cached = getCachedCredentials(credentialScope);
		if (cached) {
			credentials = cached;
			const outcome = attempt(() => verify(cached));
			postback = outcome.postback;
			// Only a refusal that a changed credential could turn into an accept reads it again.
			if (
				outcome.error !== undefined &&
				(!dependsOnCredential(outcome.error) || !mayRereadCredentials(credentialScope))
			) {
				throw outcome.error;
			}
		}
		if (!postback) {
			credentials =
				await this.getCredentials<ICredentialDataDecryptedObject>(FLEXPAY_CREDENTIAL_TYPE);
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

	const logMeta = {
		event: postback.event,
		saleID: postback.saleID ?? null,
		idempotencyKey: postback.idempotencyKey,
	};
	if (!isEventSelected(postback.event, options.events)) {
		// Nothing to record: the workflow would not run for this event anyway.
		sendText(res, 200, POSTBACK_OK);
		this.logger.debug(
			`Verotel FlexPay Trigger answered OK to a "${postback.event}" postback without a run: the event is not selected`,
			logMeta,
		);
		return { noWebhookResponse: true };
	}
	if (postback.test && this.getMode() !== 'manual' && !options.runTestPostbacks) {
		// A sample made with the merchant's key: a copy replayed to the production URL must not grant anything.
		sendText(res, 200, POSTBACK_OK);
		this.logger.warn(
			'Verotel FlexPay Trigger answered OK to a test postback on the production URL without a run: turn on the option "Run Test Postbacks on the Production URL" to run such samples',
			logMeta,
		);
		return { noWebhookResponse: true };
	}
	// In test mode ("Listen for test event") every call runs: swallowing it would leave the editor waiting.
	if (options.ignoreRepeats && this.getMode() !== 'manual') {
		let repeat = false;
		try {
			const staticData = this.getWorkflowStaticData('node');
			repeat =
				isStoredRepeat(staticData, postback) ||
				(await earlierDeliveryAnswered(triggerScope, postback));
			if (!repeat) {
				rememberPostback(staticData, postback);
				trackDelivery(triggerScope, postback, res);
			}
		} catch (error) {
			// A valid postback must still get its OK and its run; only the repeat check is lost.
			this.logger.error(
				`Verotel FlexPay Trigger could not check for a repeated postback, running the workflow anyway: ${safeErrorReason(
					error,
					credentials.signatureKey as string,
				)}`,
				logMeta,
			);
		}
		if (repeat) {
			sendText(res, 200, POSTBACK_OK);
			this.logger.info(
				'Verotel FlexPay Trigger answered OK to a repeated postback without a run: its execution is already stored',
				logMeta,
			);
			return { noWebhookResponse: true };
		}
	}

	// n8n sends the OK (responseData) once it has stored the execution, or execute()
	// sends it when the run starts; Express keeps this type for either answer.
	if (res.headersSent !== true) res.type('text/plain');
	return { workflowData: [[{ json: buildItem(postback, httpMethod, receivedAt) }]] };
}

/** The postback, or what refused it. */
function attempt(verify: () => FlexPayPostback): { postback?: FlexPayPostback; error?: unknown } {
	try {
		return { postback: verify() };
	} catch (error) {
		return { error };
	}
}
