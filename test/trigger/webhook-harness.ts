/**
 * `harness()`: a jest-mock-extended IWebhookFunctions for the trigger's
 * webhook(), with an Express-like request and a response that records every
 * call (and its position in a shared event log).
 */
import { mock } from 'jest-mock-extended';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { forgetCachedCredentials } from '../../nodes/VerotelFlexPayTrigger/credentialCache';
import { FORM_POST_WEBHOOK } from '../../nodes/VerotelFlexPayTrigger/description';
import { forgetRecords } from '../../nodes/VerotelFlexPayTrigger/repeats';
import { VerotelFlexPayTrigger } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node';
import {
	credentialsOf,
	keepsNoStaticData,
	recordingLogger,
	TRIGGER_NODE,
	type Logs,
	type RunOptions,
} from './context-common';

/** Forgets what the trigger keeps per process (cached credentials, the entries it wrote to n8n's store), for a test of its own. */
export function forgetTriggerState(): void {
	forgetCachedCredentials();
	forgetRecords();
}

export interface RecordedResponse {
	/** Set by status(); undefined while the node set none. */
	statusCode?: number;
	contentType?: string;
	body?: string;
	headersSent: boolean;
	/** How often the node itself called send(). */
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

export interface CallOptions extends RunOptions {
	method?: 'GET' | 'POST';
	query?: string;
	body?: string | Buffer;
	contentType?: string;
	/** Value of the Content-Length header (none by default, as for a chunked upload). */
	contentLength?: number | string;
	/** Leave rawBody unset so the node has to call readRawBody(). */
	lazyBody?: boolean;
	path?: string;
	/** Runs sharing a workflow ID share the credential cache and the record of postbacks; default: a fresh ID per harness. */
	workflowId?: string;
}

let workflowCounter = 0;

export interface Harness {
	ctx: ReturnType<typeof mock<IWebhookFunctions>>;
	req: FakeRequest;
	res: RecordedResponse;
	events: string[];
	logs: Logs;
	/** The workflow's ID: an execute() run after this delivery belongs to the same trigger. */
	workflowId: string;
	run(): Promise<IWebhookResponseData>;
}

export function harness(call: CallOptions = {}): Harness {
	const method = call.method ?? 'GET';
	const events: string[] = [];
	const logs: Logs = [];
	const path = call.path ?? '/webhook/0f6c3d2e-1111-4222-8333-944445555666/webhook';
	const target = call.query !== undefined && call.query !== '' ? `${path}?${call.query}` : path;
	const bodyBuffer =
		call.body === undefined
			? undefined
			: Buffer.isBuffer(call.body)
				? call.body
				: Buffer.from(call.body, 'utf8');

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

	const workflowId = call.workflowId ?? `wf-${++workflowCounter}`;
	const ctx = mock<IWebhookFunctions>();
	ctx.getRequestObject.mockReturnValue(
		req as unknown as ReturnType<IWebhookFunctions['getRequestObject']>,
	);
	ctx.getResponseObject.mockReturnValue(
		response as unknown as ReturnType<IWebhookFunctions['getResponseObject']>,
	);
	ctx.getWebhookName.mockReturnValue(method === 'POST' ? FORM_POST_WEBHOOK : 'default');
	ctx.getMode.mockReturnValue(call.mode ?? 'webhook');
	ctx.getWorkflow.mockReturnValue({
		id: workflowId,
		name: 'FlexPay',
		active: true,
	});
	ctx.getNode.mockReturnValue({ ...TRIGGER_NODE });
	ctx.getNodeWebhookUrl.mockReturnValue(
		'https://n8n.example.com/webhook/0f6c3d2e-1111-4222-8333-944445555666/webhook',
	);
	ctx.getWorkflowStaticData.mockImplementation(keepsNoStaticData);
	ctx.getNodeParameter.mockImplementation(((name: string, fallback?: unknown) =>
		name === 'options' ? (call.options ?? {}) : fallback) as IWebhookFunctions['getNodeParameter']);
	ctx.getCredentials.mockImplementation(credentialsOf(call, events, 'getCredentials'));
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
		workflowId,
		async run() {
			const result = await node.webhook.call(ctx);
			events.push('resolved');
			return result;
		},
	};
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
