import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { excerpt, FlexPayStatusError, parseStatusResponse, PATHS, type SaleStatus } from '../../../lib';
import { CREDENTIAL_TYPE } from './credentials';
import { safeApiError } from './errors';

export const DEFAULT_TIMEOUT_MS = 30000;

const CHECK_CREDENTIAL =
	'Check the Signature Key and the Shop ID in the Verotel FlexPay credential: both must belong to the same website (Control Center -> Setup Websites -> your website -> FlexPay options). Re-copy the key without spaces.';
const CHECK_ADDRESS =
	'Check the Brand and the Custom Base URL of the Verotel FlexPay credential; leave Custom Base URL empty unless you use a proxy or test server.';

export type StatusLookup = { saleID: string } | { referenceID: string };

const TIMEOUT_PATTERN = /timeout|timed out|ETIMEDOUT|ESOCKETTIMEDOUT/i;
const NETWORK_CODES =
	/\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|EPROTO|CERT_[A-Z_]+|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\b/;

/** Every text an HTTP failure carries, however n8n wrapped it. */
function failureTexts(error: unknown): string[] {
	const texts: string[] = [];
	const seen = new Set<unknown>();
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object' && !seen.has(current); depth++) {
		seen.add(current);
		const record = current as IDataObject & { messages?: unknown };
		for (const key of ['message', 'code', 'description'] as const) {
			if (typeof record[key] === 'string') texts.push(record[key] as string);
		}
		if (Array.isArray(record.messages)) {
			for (const message of record.messages) if (typeof message === 'string') texts.push(message);
		}
		current = record.cause ?? record.errorResponse;
	}
	return texts;
}

/**
 * Turns a failed request (no HTTP answer: timeout, refused, DNS, TLS) into a
 * clear NodeApiError. Only the network code is kept, never the request itself.
 */
function transportFailure(this: IExecuteFunctions, error: unknown, timeout: number, itemIndex: number) {
	const texts = failureTexts(error);
	const code = texts.map((text) => NETWORK_CODES.exec(text)?.[1]).find((found) => found !== undefined);
	if (texts.some((text) => TIMEOUT_PATTERN.test(text))) {
		return safeApiError(
			this.getNode(),
			itemIndex,
			`The FlexPay status service did not answer within ${timeout} ms`,
			'Try again later, raise Options -> Timeout, or turn on Retry On Fail in the node settings.',
		);
	}
	return safeApiError(
		this.getNode(),
		itemIndex,
		'Could not connect to the FlexPay status service',
		`${code ? `Network code: ${code}. ` : ''}${CHECK_ADDRESS} Also check that this n8n instance can reach the internet (proxy, firewall).`,
	);
}

function bodyText(body: unknown): string | undefined {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return undefined;
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
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
			method: 'GET',
			url: PATHS.salestatus,
			qs: { ...lookup },
			json: false,
			encoding: 'text',
			timeout,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw transportFailure.call(this, error, timeout, itemIndex);
	}

	const statusCode = Number(response.statusCode);
	if (statusCode >= 500) {
		throw safeApiError(
			this.getNode(),
			itemIndex,
			`The FlexPay status service answered HTTP ${statusCode}`,
			"Verotel's status service could not answer right now. Try again later, or turn on Retry On Fail in the node settings.",
			String(statusCode),
		);
	}
	if (statusCode < 200 || statusCode >= 300) {
		throw safeApiError(
			this.getNode(),
			itemIndex,
			`The FlexPay status service answered HTTP ${statusCode}`,
			CHECK_ADDRESS,
			String(statusCode),
		);
	}

	const text = bodyText(response.body);
	let status: SaleStatus;
	try {
		if (text === undefined) {
			throw new FlexPayStatusError('STATUS_UNREADABLE', 'The sale status answer is not text', CHECK_ADDRESS);
		}
		status = parseStatusResponse(text);
	} catch (error) {
		const statusError = error instanceof FlexPayStatusError ? error : undefined;
		throw safeApiError(
			this.getNode(),
			itemIndex,
			statusError?.message ?? 'The sale status answer could not be read',
			statusError?.hint ? `${statusError.hint}. ${CHECK_ADDRESS}` : CHECK_ADDRESS,
		);
	}
	if (status.response === 'ERROR') {
		throw safeApiError(
			this.getNode(),
			itemIndex,
			`The FlexPay status service refused the request: ${excerpt(status.error ?? 'no reason given')}`,
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
 * requests and would replace this query with one.
 */
export async function sendPostbackRequest(
	this: IExecuteFunctions,
	url: string,
	query: string,
	timeout: number,
	itemIndex: number,
): Promise<PostbackAnswer> {
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url: `${url}?${query}`,
			json: false,
			encoding: 'text',
			timeout,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		const texts = failureTexts(error);
		if (texts.some((text) => TIMEOUT_PATTERN.test(text))) {
			throw safeApiError(
				this.getNode(),
				itemIndex,
				`${url} did not answer within ${timeout} ms`,
				`${CHECK_TRIGGER_URL} A slow answer can also mean a busy n8n: raise Options -> Timeout.`,
			);
		}
		const code = texts.map((text) => NETWORK_CODES.exec(text)?.[1]).find((found) => found !== undefined);
		throw safeApiError(
			this.getNode(),
			itemIndex,
			`Could not send the postback to ${url}`,
			`${code ? `Network code: ${code}. ` : ''}${CHECK_TRIGGER_URL}`,
		);
	}
	const body = response.body;
	const text = bodyText(body) ?? (body === undefined || body === null ? '' : JSON.stringify(body));
	return { statusCode: Number(response.statusCode), body: text };
}
