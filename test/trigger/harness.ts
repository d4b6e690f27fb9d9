/**
 * Test harness for the Verotel FlexPay Trigger: a jest-mock-extended
 * IWebhookFunctions with an Express-like request and a response that records
 * every call (and its position in a shared event log, so tests can prove the
 * OK was written before something else happened).
 */
import { mock } from 'jest-mock-extended';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	IWebhookFunctions,
	IWebhookResponseData,
	Logger,
} from 'n8n-workflow';

import { buildQueryString, computeSignature, type FlexPayParams, type SignatureAlgorithm } from '../../lib';
import { VerotelFlexPayTrigger } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node';

/** Distinctive, so any leak is found by a plain substring search. */
export const KEY = ['LEAKCANARY', 'trig9Qx7', 'Zk2mVw8PpR'].join('');
export const SHOP = '654321';
export const CREDENTIALS: ICredentialDataDecryptedObject = { shopId: SHOP, signatureKey: KEY, brand: 'verotel', baseUrl: '' };

export const PURCHASE: FlexPayParams = {
	shopID: SHOP,
	saleID: '700001',
	transactionID: '900001',
	referenceID: 'order-1001',
	priceAmount: '19.99',
	priceCurrency: 'EUR',
	paymentMethod: 'CC',
	custom1: 'user-42',
	custom2: 'plan gold',
	type: 'purchase',
	CCBrand: 'VISA',
	truncatedPAN: 'XXXXXXXXXXXX4242',
};

export const CREDIT: FlexPayParams = {
	event: 'credit',
	shopID: SHOP,
	saleID: '700001',
	transactionID: '900002',
	parentID: '900001',
	referenceID: 'order-1001',
	priceAmount: '19.99',
	priceCurrency: 'EUR',
	type: 'purchase',
};

export const CHARGEBACK: FlexPayParams = { ...CREDIT, event: 'chargeback', transactionID: '900003' };

export const REBILL: FlexPayParams = {
	event: 'rebill',
	shopID: SHOP,
	saleID: '700002',
	transactionID: '900010',
	amount: '9.95',
	currency: 'USD',
	type: 'subscription',
	subscriptionPhase: 'normal',
	subscriptionType: 'recurring',
	nextChargeOn: '2026-01-31',
	paymentMethod: 'CC',
	CCBrand: 'MC',
};

/** Signs like Verotel: every parameter except `signature`. */
export function sign(params: FlexPayParams, algorithm: SignatureAlgorithm = 'sha256', key = KEY): FlexPayParams {
	return { ...params, signature: computeSignature(key, params, algorithm) };
}

/** PHP-style form encoding, signature last, as Verotel builds its URLs. */
export function signedQuery(params: FlexPayParams, algorithm: SignatureAlgorithm = 'sha256', key = KEY): string {
	return buildQueryString(Object.entries(sign(params, algorithm, key)));
}

export interface RecordedResponse {
	statusCode?: number;
	contentType?: string;
	body?: string;
	headersSent: boolean;
	sendCount: number;
}

export interface FakeRequest {
	method: string;
	originalUrl: string;
	url: string;
	headers: Record<string, string>;
	query: IDataObject;
	body: IDataObject;
	rawBody?: Buffer;
	readRawBody: jest.Mock<Promise<void>, []>;
}

export interface CallOptions {
	method?: 'GET' | 'POST';
	query?: string;
	body?: string | Buffer;
	contentType?: string;
	/** Leave rawBody unset so the node has to call readRawBody(). */
	lazyBody?: boolean;
	options?: IDataObject;
	credentials?: ICredentialDataDecryptedObject | Error;
	staticData?: IDataObject;
	httpRequestWithAuthentication?: (this: IWebhookFunctions, type: string, options: IHttpRequestOptions) => Promise<unknown>;
	path?: string;
	/** 'webhook' (production, default) or 'manual' (test URL while listening). */
	mode?: 'webhook' | 'manual';
	/** Runs sharing a workflow ID share the in-process repeat guard; default: a fresh ID per harness. */
	workflowId?: string;
}

let workflowCounter = 0;

export interface Harness {
	ctx: ReturnType<typeof mock<IWebhookFunctions>>;
	req: FakeRequest;
	res: RecordedResponse;
	events: string[];
	logs: Array<{ level: string; message: string; meta?: unknown }>;
	staticData: IDataObject;
	run(): Promise<IWebhookResponseData>;
}

export function harness(call: CallOptions = {}): Harness {
	const method = call.method ?? 'GET';
	const events: string[] = [];
	const logs: Harness['logs'] = [];
	const path = call.path ?? '/webhook/0f6c3d2e-1111-4222-8333-944445555666/webhook';
	const target = call.query !== undefined && call.query !== '' ? `${path}?${call.query}` : path;
	const bodyBuffer = call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body, 'utf8');

	const req: FakeRequest = {
		method,
		originalUrl: target,
		url: target,
		headers: call.contentType ? { 'content-type': call.contentType } : {},
		// What Express would have parsed: the node must not use it.
		query: { decoy: 'parsed-query-must-not-be-used' },
		body: { decoy: 'parsed-body-must-not-be-used' },
		rawBody: call.lazyBody ? undefined : bodyBuffer,
		readRawBody: jest.fn(async () => {
			events.push('readRawBody');
			req.rawBody = bodyBuffer ?? Buffer.alloc(0);
		}),
	};

	const res: RecordedResponse = { headersSent: false, sendCount: 0 };
	const response = {
		get headersSent() {
			return res.headersSent;
		},
		status(code: number) {
			events.push(`status:${code}`);
			res.statusCode = code;
			return response;
		},
		type(value: string) {
			events.push(`type:${value}`);
			res.contentType = value;
			return response;
		},
		send(body: string) {
			events.push(`send:${body}`);
			res.body = body;
			res.headersSent = true;
			res.sendCount++;
			return response;
		},
	};

	const staticData = call.staticData ?? {};
	const ctx = mock<IWebhookFunctions>();
	ctx.getRequestObject.mockReturnValue(req as unknown as ReturnType<IWebhookFunctions['getRequestObject']>);
	ctx.getResponseObject.mockReturnValue(response as unknown as ReturnType<IWebhookFunctions['getResponseObject']>);
	ctx.getWebhookName.mockReturnValue(method === 'POST' ? 'setup' : 'default');
	ctx.getMode.mockReturnValue(call.mode ?? 'webhook');
	ctx.getWorkflow.mockReturnValue({ id: call.workflowId ?? `wf-${++workflowCounter}`, name: 'FlexPay', active: true });
	ctx.getNode.mockReturnValue({
		id: 'node-1',
		name: 'Verotel FlexPay Trigger',
		type: 'n8n-nodes-verotel-flexpay.verotelFlexPayTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	});
	ctx.getNodeWebhookUrl.mockReturnValue('https://n8n.example.com/webhook/0f6c3d2e-1111-4222-8333-944445555666/webhook');
	ctx.getWorkflowStaticData.mockImplementation(() => staticData);
	ctx.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) =>
		name === 'options' ? (call.options ?? {}) : fallback) as IWebhookFunctions['getNodeParameter']);
	const credentials = call.credentials ?? CREDENTIALS;
	ctx.getCredentials.mockImplementation(async () => {
		if (credentials instanceof Error) throw credentials;
		return { ...credentials } as never;
	});
	const logger = {
		error: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'error', message, meta })),
		warn: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'warn', message, meta })),
		info: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'info', message, meta })),
		debug: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'debug', message, meta })),
	};
	ctx.logger = logger as unknown as Logger;
	const httpRequestWithAuthentication = jest.fn(
		call.httpRequestWithAuthentication ??
			(async () => {
				throw new Error('no HTTP expected in this test');
			}),
	);
	ctx.helpers = { httpRequestWithAuthentication } as unknown as IWebhookFunctions['helpers'];

	const node = new VerotelFlexPayTrigger();
	return {
		ctx,
		req,
		res,
		events,
		logs,
		staticData,
		async run() {
			const result = await node.webhook.call(ctx);
			events.push('resolved');
			return result;
		},
	};
}

/** The single emitted item of a run (fails the test when there is none). */
export function itemOf(result: IWebhookResponseData): IDataObject {
	expect(result.noWebhookResponse).toBe(true);
	expect(result.workflowData).toHaveLength(1);
	expect(result.workflowData?.[0]).toHaveLength(1);
	return result.workflowData![0][0].json;
}

/** Everything a run produced that a user or log reader could see. */
export function visibleText(h: Harness, result?: IWebhookResponseData): string {
	return JSON.stringify({ result: result ?? null, body: h.res.body ?? null, logs: h.logs, events: h.events, staticData: h.staticData });
}
