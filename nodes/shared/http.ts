import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

/** A request as the nodes send it; sendForAnswer adds how the answer is read. */
export interface OutgoingRequest {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	timeout: number;
	/** Sent through this credential type (its `authenticate`); without it, as is. */
	credentialType?: string;
}

/**
 * Sends a request and returns its full answer with the body as text, whatever
 * its HTTP status (the caller judges the status). A request that got no answer
 * (refused, DNS, TLS, timeout) rejects with n8n's own error, which carries the
 * request and so the credential: callers keep only what is safe of it.
 */
export async function sendForAnswer(
	this: IExecuteFunctions,
	request: OutgoingRequest,
): Promise<IN8nHttpFullResponse> {
	const { credentialType, ...sent } = request;
	const options: IHttpRequestOptions = {
		...sent,
		json: false,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const response =
		credentialType === undefined
			? await this.helpers.httpRequest(options)
			: await this.helpers.httpRequestWithAuthentication.call(this, credentialType, options);
	return response as IN8nHttpFullResponse;
}

/** An answer's body as text; undefined when it is neither text nor bytes. */
export function bodyText(body: unknown): string | undefined {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return undefined;
}
