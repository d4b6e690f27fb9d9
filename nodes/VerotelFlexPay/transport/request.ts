import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { SaleStatus } from '../../../lib';
import { bodyText, sendForAnswer, type OutgoingRequest } from '../../shared/http';
import { safeReason } from '../../shared/redaction';
import {
	readStatusAnswer,
	sendSaleStatusRequest,
	type StatusLookup,
} from '../../shared/saleStatus';
import { safeApiError } from '../helpers/errors';

export const DEFAULT_TIMEOUT_MS = 30000;

/** The Timeout option of an Options collection; DEFAULT_TIMEOUT_MS when unset or not positive. */
export function timeoutOf(options: IDataObject): number {
	return Number(options.timeout) > 0 ? Number(options.timeout) : DEFAULT_TIMEOUT_MS;
}

const CHECK_CREDENTIAL =
	'Check the Signature Key and the Shop ID in the Verotel FlexPay credential: both must belong to the same website (Control Center -> Setup Websites -> your website -> FlexPay options). Re-copy the key without spaces.';
const CHECK_ADDRESS =
	'Check the Brand and the Custom Base URL of the Verotel FlexPay credential; leave Custom Base URL empty unless you use a proxy or test server.';

const TIMEOUT_PATTERN = /timeout|timed out|ETIMEDOUT|ESOCKETTIMEDOUT/i;
const NETWORK_CODES =
	/\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|EPROTO|CERT_[A-Z_]+|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\b/;

/** Every text an HTTP failure carries, however n8n wrapped it. */
function failureTexts(error: unknown): string[] {
	const texts: string[] = [];
	const seen = new Set<unknown>();
	let current: unknown = error;
	for (
		let depth = 0;
		depth < 4 && current && typeof current === 'object' && !seen.has(current);
		depth++
	) {
		seen.add(current);
		const record = current as IDataObject & { messages?: unknown };
		for (const key of ['message', 'code', 'httpCode', 'description'] as const) {
			if (typeof record[key] === 'string') texts.push(record[key] as string);
		}
		// n8n's NodeApiError keeps the HTTP client's own messages here (its `cause` may be gone).
		if (Array.isArray(record.messages)) {
			for (const message of record.messages) if (typeof message === 'string') texts.push(message);
		}
		current = record.cause ?? record.errorResponse;
	}
	return texts;
}

/** The message and the how-to-fix description of an error. */
export interface ErrorText {
	message: string;
	description: string;
}

/** The errors for a request that got no answer. */
export interface NoAnswer {
	/** The error for a request that timed out. */
	timedOut: ErrorText;
	/** The error for any other request without an answer (refused, DNS, TLS); the network code is put before its description. */
	unreachable: ErrorText;
}

/** `disableFollowRedirect` reaches n8n's request helper as sendForAnswer passes every field of the request on. */
export type AnswerRequest = OutgoingRequest &
	NoAnswer &
	Pick<IHttpRequestOptions, 'disableFollowRedirect'>;

/**
 * The full answer of a request being sent (sendForAnswer). A request that got
 * no answer becomes a NodeApiError from `timedOut` or `unreachable`: only the
 * network code is kept of the failure, never the request (which carries the credential).
 */
async function answerOf(
	this: IExecuteFunctions,
	sending: Promise<IN8nHttpFullResponse>,
	{ timedOut, unreachable }: NoAnswer,
	itemIndex: number,
): Promise<IN8nHttpFullResponse> {
	try {
		return await sending;
	} catch (error) {
		const texts = failureTexts(error);
		if (texts.some((text) => TIMEOUT_PATTERN.test(text))) {
			throw safeApiError(this.getNode(), itemIndex, timedOut.message, timedOut.description);
		}
		const code = texts
			.map((text) => NETWORK_CODES.exec(text)?.[1])
			.find((found) => found !== undefined);
		const description = `${code ? `Network code: ${code}. ` : ''}${unreachable.description}`;
		throw safeApiError(this.getNode(), itemIndex, unreachable.message, description);
	}
}

/** Sends a request and returns its full answer, whatever its HTTP status (the caller judges the status); see answerOf. */
export async function requestAnswer(
	this: IExecuteFunctions,
	request: AnswerRequest,
	itemIndex: number,
): Promise<IN8nHttpFullResponse> {
	const { timedOut, unreachable, ...sent } = request;
	return await answerOf.call(
		this,
		sendForAnswer.call(this, sent),
		{ timedOut, unreachable },
		itemIndex,
	);
}

/**
 * Asks the sale status service about one sale. The credential signs the
 * request (shopID, version, signature). NOTFOUND is a normal answer; ERROR,
 * HTTP failures, timeouts and unreadable bodies become NodeApiErrors.
 */
export async function requestSaleStatus(
	this: IExecuteFunctions,
	lookup: StatusLookup,
	timeout: number,
	itemIndex: number,
): Promise<SaleStatus> {
	const response = await answerOf.call(
		this,
		sendSaleStatusRequest.call(this, lookup, timeout),
		{
			timedOut: {
				message: `The FlexPay status service did not answer within ${timeout} ms`,
				description:
					'Try again later, raise Options -> Timeout, or turn on Retry On Fail in the node settings.',
			},
			unreachable: {
				message: 'Could not connect to the FlexPay status service',
				description: `${CHECK_ADDRESS} Also check that this n8n instance can reach the internet (proxy, firewall).`,
			},
		},
		itemIndex,
	);

	const answer = readStatusAnswer(response);
	if (!answer.read) {
		const retry = answer.httpFailed && (answer.httpStatus ?? 0) >= 500;
		throw safeApiError(
			this.getNode(),
			itemIndex,
			answer.reason,
			retry
				? "Verotel's status service could not answer right now. Try again later, or turn on Retry On Fail in the node settings."
				: answer.hint
					? `${answer.hint}. ${CHECK_ADDRESS}`
					: CHECK_ADDRESS,
			answer.httpFailed ? String(answer.httpStatus) : undefined,
		);
	}
	const { status } = answer;
	if (status.response === 'ERROR') {
		throw safeApiError(
			this.getNode(),
			itemIndex,
			`The FlexPay status service refused the request: ${safeReason(status.error ?? 'no reason given')}`,
			CHECK_CREDENTIAL,
		);
	}
	return status;
}

/** The answer to a postback: whatever the trigger (or n8n) said, with its HTTP status. */
export interface PostbackAnswer {
	statusCode: number;
	body: string;
}

const CHECK_TRIGGER_URL =
	'Check that n8n is reachable at that URL from this n8n instance (host, port, http or https; behind a proxy the URL n8n shows depends on WEBHOOK_URL), and that the trigger listens: its Test URL only while the editor shows "Listening for test event", its Production URL only while the workflow is published (active).';

/**
 * Sends an already signed postback the way Verotel does: `GET <url>?<query>`,
 * the query exactly as given. Every HTTP answer is returned, whatever its
 * status (a refusal is the trigger's verdict, not a failure of this request);
 * only a missing answer (refused, DNS, TLS, timeout) becomes a NodeApiError.
 * Not sent through the credential: its `authenticate` signs sale-status
 * requests and would replace this query with one. A redirect is not followed:
 * the URL was checked to be a trigger's (checkTriggerUrl), the address a
 * redirect names was not.
 */
export async function sendPostbackRequest(
	this: IExecuteFunctions,
	url: string,
	query: string,
	timeout: number,
	itemIndex: number,
): Promise<PostbackAnswer> {
	const response = await requestAnswer.call(
		this,
		{
			method: 'GET',
			url: `${url}?${query}`,
			timeout,
			disableFollowRedirect: true,
			timedOut: {
				message: `${url} did not answer within ${timeout} ms`,
				description: `${CHECK_TRIGGER_URL} A slow answer can also mean a busy n8n: raise Options -> Timeout.`,
			},
			unreachable: {
				message: `Could not send the postback to ${url}`,
				description: CHECK_TRIGGER_URL,
			},
		},
		itemIndex,
	);
	const body = response.body;
	const text = bodyText(body) ?? (body === undefined || body === null ? '' : JSON.stringify(body));
	return { statusCode: Number(response.statusCode), body: text };
}
