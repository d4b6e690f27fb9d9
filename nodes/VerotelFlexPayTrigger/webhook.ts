import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	FLEXPAY_CREDENTIAL_TYPE,
	flexPayConfigOf,
} from '../../credentials/VerotelFlexPayApi.credentials';
import { parsePostback, POSTBACK_OK, type FlexPayPostback } from '../../lib';
import { cacheCredentials, getCachedCredentials, mayRereadCredentials } from './credentialCache';
import { FORM_POST_WEBHOOK } from './description';
import { buildItem } from './item';
import { isEventSelected, resolveOptions, type TriggerOptions } from './options';
import { classifyError, dependsOnCredential } from './rejection';
import { readSignedPayload, type PostbackRequest } from './request';

/** The parts of the Express response this trigger writes. */
interface PostbackResponse {
	headersSent?: boolean;
	status(code: number): PostbackResponse;
	type(contentType: string): PostbackResponse;
	send(body: string): unknown;
}

/**
 * Verifies a postback and hands it over as the execution's item, or answers it
 * itself: a refusal, or an OK without a run for an event that is not selected or
 * a test postback on the production URL. Repeats are the run's concern
 * (docs/design/delivery.md): nothing here waits on a store.
 */
export async function receivePostback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as PostbackRequest;
	const res = this.getResponseObject() as PostbackResponse;
	const receivedAt = new Date();
	const httpMethod = (
		req.method ?? (this.getWebhookName() === FORM_POST_WEBHOOK ? 'POST' : 'GET')
	).toUpperCase();
	const node = this.getNode();
	const credentialScope = `${this.getWorkflow()?.id ?? ''}:${node.id ?? node.name}:${node.credentials?.[FLEXPAY_CREDENTIAL_TYPE]?.id ?? ''}`;

	let credentials: ICredentialDataDecryptedObject = {};
	let postback: FlexPayPostback | undefined;
	let options: TriggerOptions;
	try {
		options = resolveOptions(this.getNodeParameter('options', {}) as IDataObject);
		const payload = await readSignedPayload(req);
		const verify = (c: ICredentialDataDecryptedObject) =>
			parsePostback(payload.raw, flexPayConfigOf(c), { allowSha1: options.allowSha1 });
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

/** Writes a plain-text answer unless something already answered. */
function sendText(res: PostbackResponse, statusCode: number, body: string): void {
	if (res.headersSent === true) return;
	res.status(statusCode).type('text/plain').send(body);
}
