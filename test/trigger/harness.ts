/**
 * Test harness for the Verotel FlexPay Trigger.
 *
 * - `harness()`: a jest-mock-extended IWebhookFunctions with an Express-like
 *   request and a response that records every call (and its position in a
 *   shared event log). The response also behaves like Node's ServerResponse
 *   towards the in-flight guard: `statusCode`, `writableFinished` and
 *   `once('close')`; `finish()` plays n8n answering and closing it, `abort()`
 *   the connection closing without an answer.
 * - `executeHarness()`: a jest-mock-extended IExecuteFunctions for the
 *   trigger's execute(), which n8n runs inside the stored execution with the
 *   webhook's workflowData as input.
 * - `deliverAndExecute()`: both, the way n8n chains them.
 */
import { EventEmitter } from 'events';
import { mock } from 'jest-mock-extended';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	IDeduplicationOutput,
	IDataObject,
	IExecuteFunctions,
	IExecuteResponsePromiseData,
	IHttpRequestOptions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
	Logger,
} from 'n8n-workflow';

import { buildQueryString, computeSignature, parsePostback, type FlexPayParams, type SignatureAlgorithm } from '../../lib';
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

/** The success redirect of PURCHASE: the same sale, fewer parameters (no transactionID, CCBrand, truncatedPAN). */
export const PURCHASE_REDIRECT: FlexPayParams = Object.fromEntries(
	Object.entries(PURCHASE).filter(([name]) => !['transactionID', 'CCBrand', 'truncatedPAN'].includes(name)),
);

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

/** Subscription events without transactionID: only the data as a whole tells one from another. */
export const CANCEL: FlexPayParams = {
	event: 'cancel',
	shopID: SHOP,
	saleID: '700002',
	type: 'subscription',
	cancelledBy: 'user',
	subscriptionPhase: 'normal',
};

export const UNCANCEL: FlexPayParams = {
	event: 'uncancel',
	shopID: SHOP,
	saleID: '700002',
	type: 'subscription',
	uncancelledBy: 'user',
	subscriptionPhase: 'normal',
};

/** Signs like Verotel: every parameter except `signature`. */
export function sign(params: FlexPayParams, algorithm: SignatureAlgorithm = 'sha256', key = KEY): FlexPayParams {
	return { ...params, signature: computeSignature(key, params, algorithm) };
}

/** PHP-style form encoding, signature last, as Verotel builds its URLs. */
export function signedQuery(params: FlexPayParams, algorithm: SignatureAlgorithm = 'sha256', key = KEY): string {
	return buildQueryString(Object.entries(sign(params, algorithm, key)));
}

/** idempotencyKey and idempotencyScope as the protocol core computes them for these parameters. */
export function idempotencyOf(params: FlexPayParams): { key: string; scope: string } {
	const postback = parsePostback(signedQuery(params), { shopId: SHOP, signatureKey: KEY });
	return { key: postback.idempotencyKey, scope: postback.idempotencyScope };
}

export interface RecordedResponse {
	/** Set by status() (the node) or finish() (n8n); undefined while nobody set one. */
	statusCode?: number;
	contentType?: string;
	body?: string;
	headersSent: boolean;
	/** How often the node itself called send(). */
	sendCount: number;
	/** True once the response was answered completely (by the node or by finish()). */
	writableFinished: boolean;
	closed: boolean;
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

export type StatusRequest = (this: IExecuteFunctions, type: string, options: IHttpRequestOptions) => Promise<unknown>;

export interface CallOptions {
	method?: 'GET' | 'POST';
	query?: string;
	body?: string | Buffer;
	contentType?: string;
	/** Value of the Content-Length header (none by default, as for a chunked upload). */
	contentLength?: number | string;
	/** Leave rawBody unset so the node has to call readRawBody(). */
	lazyBody?: boolean;
	options?: IDataObject;
	credentials?: ICredentialDataDecryptedObject | Error;
	staticData?: IDataObject;
	/** The status service as execute() reaches it; webhook() must never make a request. */
	httpRequestWithAuthentication?: StatusRequest;
	path?: string;
	/** 'webhook' (production, default) or 'manual' (test URL while listening). */
	mode?: 'webhook' | 'manual';
	/** Runs sharing a workflow ID share the credential cache and the in-flight guard; default: a fresh ID per harness. */
	workflowId?: string;
	/** n8n's deduplication store offered to execute() (default: none). */
	processed?: ProcessedStore;
}

let workflowCounter = 0;

export interface Logs extends Array<{ level: string; message: string; meta?: unknown }> {}

function recordingLogger(logs: Logs): Logger {
	return {
		error: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'error', message, meta })),
		warn: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'warn', message, meta })),
		info: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'info', message, meta })),
		debug: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'debug', message, meta })),
	} as unknown as Logger;
}

export interface Harness {
	ctx: ReturnType<typeof mock<IWebhookFunctions>>;
	req: FakeRequest;
	res: RecordedResponse;
	events: string[];
	logs: Logs;
	staticData: IDataObject;
	run(): Promise<IWebhookResponseData>;
	/** n8n answers the delivery (its `OK` once the execution is stored, or an error) and closes the response. */
	finish(statusCode?: number, body?: string): void;
	/** The connection closes without a complete answer (crash, timeout, client gone). */
	abort(): void;
}

/** The trigger node as n8n hands it to webhook() and execute(). */
const TRIGGER_NODE = {
	id: 'node-1',
	name: 'Verotel FlexPay Trigger',
	type: 'n8n-nodes-verotel-flexpay.verotelFlexPayTrigger',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

export function harness(call: CallOptions = {}): Harness {
	const method = call.method ?? 'GET';
	const events: string[] = [];
	const logs: Logs = [];
	const path = call.path ?? '/webhook/0f6c3d2e-1111-4222-8333-944445555666/webhook';
	const target = call.query !== undefined && call.query !== '' ? `${path}?${call.query}` : path;
	const bodyBuffer = call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body, 'utf8');

	const headers: Record<string, string> = {};
	if (call.contentType) headers['content-type'] = call.contentType;
	if (call.contentLength !== undefined) headers['content-length'] = String(call.contentLength);
	const req: FakeRequest = {
		method,
		originalUrl: target,
		url: target,
		headers,
		// What Express would have parsed: the node must not use it.
		query: { decoy: 'parsed-query-must-not-be-used' },
		body: { decoy: 'parsed-body-must-not-be-used' },
		rawBody: call.lazyBody ? undefined : bodyBuffer,
		readRawBody: jest.fn(async () => {
			events.push('readRawBody');
			req.rawBody = bodyBuffer ?? Buffer.alloc(0);
		}),
	};

	const res: RecordedResponse = { headersSent: false, sendCount: 0, writableFinished: false, closed: false };
	const closing = new EventEmitter();
	const response = {
		get headersSent() {
			return res.headersSent;
		},
		// Node's ServerResponse starts with 200 until someone sets another status.
		get statusCode() {
			return res.statusCode ?? 200;
		},
		get writableFinished() {
			return res.writableFinished;
		},
		once(event: string, listener: () => void) {
			events.push(`listen:${event}`);
			closing.once(event, listener);
			return response;
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
			res.writableFinished = true;
			res.sendCount++;
			return response;
		},
	};

	const close = () => {
		if (res.closed) throw new Error('the response was already closed');
		res.closed = true;
		closing.emit('close');
	};

	const staticData = call.staticData ?? {};
	const ctx = mock<IWebhookFunctions>();
	ctx.getRequestObject.mockReturnValue(req as unknown as ReturnType<IWebhookFunctions['getRequestObject']>);
	ctx.getResponseObject.mockReturnValue(response as unknown as ReturnType<IWebhookFunctions['getResponseObject']>);
	ctx.getWebhookName.mockReturnValue(method === 'POST' ? 'setup' : 'default');
	ctx.getMode.mockReturnValue(call.mode ?? 'webhook');
	ctx.getWorkflow.mockReturnValue({ id: call.workflowId ?? `wf-${++workflowCounter}`, name: 'FlexPay', active: true });
	ctx.getNode.mockReturnValue({ ...TRIGGER_NODE });
	ctx.getNodeWebhookUrl.mockReturnValue('https://n8n.example.com/webhook/0f6c3d2e-1111-4222-8333-944445555666/webhook');
	ctx.getWorkflowStaticData.mockImplementation(() => staticData);
	ctx.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) =>
		name === 'options' ? (call.options ?? {}) : fallback) as IWebhookFunctions['getNodeParameter']);
	const credentials = call.credentials ?? CREDENTIALS;
	ctx.getCredentials.mockImplementation(async () => {
		events.push('getCredentials');
		if (credentials instanceof Error) throw credentials;
		return { ...credentials } as never;
	});
	ctx.logger = recordingLogger(logs);
	// webhook() answers Verotel; it must never wait for the status service.
	const httpRequestWithAuthentication = jest.fn(async () => {
		throw new Error('webhook() must not make HTTP requests');
	});
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
		finish(statusCode = 200, body = 'OK') {
			if (res.headersSent) throw new Error('finish(): the node already answered this delivery itself');
			events.push(`n8n:${statusCode}`);
			res.statusCode = statusCode;
			res.body = body;
			res.headersSent = true;
			res.writableFinished = true;
			close();
		},
		abort() {
			events.push('aborted');
			close();
		},
	};
}

/** What execute() answers with "When the Workflow Starts", as Verotel receives it. */
export const OK_ANSWER = { body: 'OK', statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } };

/** A response handed to sendResponse(), its body as the text n8n writes (a string and a Buffer alike). */
export function asSent(response: IExecuteResponsePromiseData): IExecuteResponsePromiseData {
	const body: unknown = response.body;
	return { ...response, body: Buffer.isBuffer(body) ? body.toString('utf8') : body } as IExecuteResponsePromiseData;
}

export interface ExecuteCall {
	/** The input items: what webhook() returned as workflowData[0]. */
	items: INodeExecutionData[];
	options?: IDataObject;
	credentials?: ICredentialDataDecryptedObject | Error;
	httpRequestWithAuthentication?: StatusRequest;
	/** Event log to append to (e.g. the webhook harness's, to see the order across both). */
	events?: string[];
	/** The run's workflow static data (default: a fresh object). */
	staticData?: IDataObject;
	mode?: 'webhook' | 'manual';
	/** n8n's deduplication store behind this.helpers.checkProcessedAndRecord (default: none offered). */
	processed?: ProcessedStore;
	/** The execution's ID (default: a fresh one per harness; the same one for a retried job). */
	executionId?: string;
}

let executionCounter = 0;

/**
 * n8n's deduplication store ("entries" mode) as n8n runs it: the node's keys
 * are one row, read, then written whole a database round trip later, so two
 * calls that overlap keep only the second one's keys.
 */
export class ProcessedStore {
	keys: string[] = [];
	calls: { items: string[]; scope: string; options: ICheckProcessedOptions }[] = [];
	failWith?: Error;

	async checkProcessedAndRecord(items: DeduplicationItemTypes[], scope: DeduplicationScope, options: ICheckProcessedOptions): Promise<IDeduplicationOutput> {
		this.calls.push({ items: items.map(String), scope, options });
		if (this.failWith) throw this.failWith;
		const row = [...this.keys];
		await new Promise((resolve) => setImmediate(resolve));
		const output: IDeduplicationOutput = { new: [], processed: [] };
		const seen = new Set(row);
		for (const item of items) {
			if (seen.has(String(item))) output.processed.push(item);
			else {
				output.new.push(item);
				row.push(String(item));
			}
		}
		if (options.maxEntries !== undefined) row.splice(0, Math.max(0, row.length - options.maxEntries));
		await new Promise((resolve) => setImmediate(resolve));
		this.keys = row;
		return output;
	}
}

export interface ExecuteHarness {
	ctx: ReturnType<typeof mock<IExecuteFunctions>>;
	events: string[];
	logs: Logs;
	/** Every response execute() handed to n8n with sendResponse(), body as text (asSent). */
	responses: IExecuteResponsePromiseData[];
	run(): Promise<INodeExecutionData[][]>;
}

export function executeHarness(call: ExecuteCall): ExecuteHarness {
	const events = call.events ?? [];
	const logs: Logs = [];
	const responses: IExecuteResponsePromiseData[] = [];
	const ctx = mock<IExecuteFunctions>();
	ctx.getNode.mockReturnValue({ ...TRIGGER_NODE });
	ctx.getMode.mockReturnValue(call.mode ?? 'webhook');
	ctx.getExecutionId.mockReturnValue(call.executionId ?? `exec-${++executionCounter}`);
	ctx.getInputData.mockImplementation(() => call.items);
	const staticData = call.staticData ?? {};
	ctx.getWorkflowStaticData.mockImplementation(() => staticData);
	ctx.getNodeParameter.mockImplementation(((name: string, _itemIndex: number, fallback?: unknown) =>
		name === 'options' ? (call.options ?? {}) : fallback) as IExecuteFunctions['getNodeParameter']);
	const credentials = call.credentials ?? CREDENTIALS;
	ctx.getCredentials.mockImplementation(async () => {
		events.push('execute:getCredentials');
		if (credentials instanceof Error) throw credentials;
		return { ...credentials } as never;
	});
	ctx.sendResponse.mockImplementation((response: IExecuteResponsePromiseData) => {
		const sent = asSent(response);
		events.push(`sendResponse:${String(sent.statusCode)}:${String(sent.body)}`);
		responses.push(sent);
	});
	ctx.logger = recordingLogger(logs);
	const statusRequest: StatusRequest =
		call.httpRequestWithAuthentication ??
		(async () => {
			throw new Error('no status request expected in this test');
		});
	const httpRequestWithAuthentication = jest.fn(async function (this: IExecuteFunctions, type: string, options: IHttpRequestOptions) {
		events.push('execute:statusRequest');
		return await statusRequest.call(this, type, options);
	});
	const processed = call.processed;
	ctx.helpers = {
		httpRequestWithAuthentication,
		...(processed && { checkProcessedAndRecord: processed.checkProcessedAndRecord.bind(processed) }),
	} as unknown as IExecuteFunctions['helpers'];

	const node = new VerotelFlexPayTrigger();
	return {
		ctx,
		events,
		logs,
		responses,
		async run() {
			const output = await node.execute.call(ctx);
			events.push('execute:resolved');
			return output;
		},
	};
}

export interface Delivery {
	h: Harness;
	result: IWebhookResponseData;
	/** Undefined when webhook() started no run. */
	e?: ExecuteHarness;
	/** execute()'s output, undefined when webhook() started no run. */
	output?: INodeExecutionData[][];
}

/** webhook(), then execute() with its workflowData as input when it started a run: what n8n does. */
export async function deliverAndExecute(call: CallOptions = {}): Promise<Delivery> {
	const h = harness(call);
	const result = await h.run();
	if (result.workflowData === undefined) return { h, result };
	const e = executeHarness({
		items: result.workflowData[0],
		options: call.options,
		credentials: call.credentials,
		httpRequestWithAuthentication: call.httpRequestWithAuthentication,
		events: h.events,
		staticData: h.staticData,
		mode: call.mode,
		processed: call.processed,
	});
	const output = await e.run();
	return { h, result, e, output };
}

/** The single emitted item of a run, handed to n8n to answer (fails the test when there is none). */
export function itemOf(result: IWebhookResponseData): IDataObject {
	// No noWebhookResponse: n8n sends the description's responseData ("OK") once it stored the execution.
	expect(Object.keys(result)).toEqual(['workflowData']);
	expect(result.workflowData).toHaveLength(1);
	expect(result.workflowData?.[0]).toHaveLength(1);
	expect(Object.keys(result.workflowData![0][0])).toEqual(['json']);
	return result.workflowData![0][0].json;
}

/** The single item execute() passed on. */
export function outputItemOf(output: INodeExecutionData[][] | undefined): IDataObject {
	expect(output).toHaveLength(1);
	expect(output?.[0]).toHaveLength(1);
	expect(output![0][0].pairedItem).toEqual({ item: 0 });
	return output![0][0].json;
}

/** Everything a run produced that a user or log reader could see. */
export function visibleText(h: Harness, result?: IWebhookResponseData, delivery?: Pick<Delivery, 'e' | 'output'>): string {
	return JSON.stringify({
		result: result ?? null,
		body: h.res.body ?? null,
		logs: h.logs,
		events: h.events,
		staticData: h.staticData,
		output: delivery?.output ?? null,
		executeLogs: delivery?.e?.logs ?? null,
		responses: delivery?.e?.responses ?? null,
	});
}
