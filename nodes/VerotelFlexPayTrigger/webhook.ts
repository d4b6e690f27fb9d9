/** The hand-over: verify a postback and give it to n8n, or answer it here (docs/design/delivery.md §1). */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	parsePostback,
	POSTBACK_OK,
	readSignedPayload,
	type FlexPayPostback,
	type PostbackRequest,
} from '../../lib';
import { readFlexPayConfigUnchecked } from '../shared/flexPayConfig';
import { cacheCredentials, getCachedCredentials, mayRereadCredentials } from './credentialCache';
import { FORM_POST_WEBHOOK } from './description';
import { buildItem } from './item';
import { isEventSelected, resolveOptions, type TriggerOptions } from './options';
import { classifyError, dependsOnCredential } from './rejection';

/** The parts of the Express response this trigger writes. */
interface PostbackResponse {
	headersSent?: boolean;
	status(code: number): PostbackResponse;
	type(contentType: string): PostbackResponse;
	send(body: string): unknown;
}

/**
 * Hands a verified postback over as the execution's item. Answers here only a
 * refusal, or OK without a run for an event that is not selected or a test
 * postback on the production URL. Repeats are the run's concern.
 */
export async function receivePostback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject() as PostbackRequest;
	const res = this.getResponseObject() as PostbackResponse;
	const answer = (statusCode: number, body: string): IWebhookResponseData => {
		if (res.headersSent !== true) res.status(statusCode).type('text/plain').send(body);
		return { noWebhookResponse: true };
	};
	const receivedAt = new Date();
	const formPost = this.getWebhookName() === FORM_POST_WEBHOOK;
	const httpMethod = (req.method ?? (formPost ? 'POST' : 'GET')).toUpperCase();
	const node = this.getNode();
	const scope = `${this.getWorkflow()?.id ?? ''}:${node.id ?? node.name}:${node.credentials?.[FLEXPAY_CREDENTIAL_TYPE]?.id ?? ''}`;

	let credentials: ICredentialDataDecryptedObject = {};
	let postback: FlexPayPostback | undefined;
	let options: TriggerOptions;
	try {
		options = resolveOptions(this.getNodeParameter('options', {}) as IDataObject);
		const { raw } = await readSignedPayload(req);
		const verify = (c: ICredentialDataDecryptedObject) =>
			parsePostback(raw, readFlexPayConfigUnchecked(c), { allowSha1: options.allowSha1 });
		const cached = getCachedCredentials(scope);
		if (cached) {
			credentials = cached;
			let refusal: unknown;
			try {
				postback = verify(cached);
			} catch (error) {
				refusal = error;
			}
			// Only a refusal that a changed credential could turn into an accept reads it again.
			if (refusal !== undefined && (!dependsOnCredential(refusal) || !mayRereadCredentials(scope)))
				throw refusal;
		}
		if (!postback) {
			credentials =
				await this.getCredentials<ICredentialDataDecryptedObject>(FLEXPAY_CREDENTIAL_TYPE);
			cacheCredentials(scope, credentials);
			postback = verify(credentials);
		}
	} catch (error) {
		const key = typeof credentials.signatureKey === 'string' ? credentials.signatureKey : undefined;
		const rejection = classifyError(error, key);
		const meta = { statusCode: rejection.statusCode, code: rejection.code, httpMethod };
		this.logger[rejection.level](rejection.message, meta);
		return answer(rejection.statusCode, rejection.body);
	}

	const meta = {
		event: postback.event,
		saleID: postback.saleID ?? null,
		idempotencyKey: postback.idempotencyKey,
	};
	if (!isEventSelected(postback.event, options.events)) {
		this.logger.debug(
			`Verotel FlexPay Trigger answered OK to a "${postback.event}" postback without a run: the event is not selected`,
			meta,
		);
		return answer(200, POSTBACK_OK);
	}
	if (postback.test && this.getMode() !== 'manual' && !options.runTestPostbacks) {
		// A sample made with the merchant's key: a copy replayed to the production URL must not grant anything.
		this.logger.warn(
			'Verotel FlexPay Trigger answered OK to a test postback on the production URL without a run: turn on the option "Run Test Postbacks on the Production URL" to run such samples',
			meta,
		);
		return answer(200, POSTBACK_OK);
	}
	// n8n answers (responseData) once it has stored the execution, or execute() does; either is text.
	if (res.headersSent !== true) res.type('text/plain');
	return { workflowData: [[{ json: buildItem(postback, httpMethod, receivedAt) }]] };
}
