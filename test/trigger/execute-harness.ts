/**
 * `executeHarness()`: a jest-mock-extended IExecuteFunctions for the trigger's
 * execute(), which n8n runs inside the stored execution with the webhook's
 * workflowData as input.
 */
import { mock } from 'jest-mock-extended';
import type {
	IDataObject,
	IExecuteFunctions,
	IExecuteResponsePromiseData,
	IHttpRequestOptions,
	INodeExecutionData,
} from 'n8n-workflow';

import { VerotelFlexPayTrigger } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node';
import {
	credentialsOf,
	keepsNoStaticData,
	recordingLogger,
	TRIGGER_NODE,
	type Logs,
	type RunOptions,
	type StatusRequest,
} from './context-common';

/** What execute() answers with "When the Workflow Starts", as Verotel receives it. */
export const OK_ANSWER = {
	body: 'OK',
	statusCode: 200,
	headers: { 'content-type': 'text/plain; charset=utf-8' },
};

/** A response handed to sendResponse(), its body as the text n8n writes (a string and a Buffer alike). */
export function asSent(response: IExecuteResponsePromiseData): IExecuteResponsePromiseData {
	const body: unknown = response.body;
	return {
		...response,
		body: Buffer.isBuffer(body) ? body.toString('utf8') : body,
	} as IExecuteResponsePromiseData;
}

export interface ExecuteCall extends RunOptions {
	/** The input items: what webhook() returned as workflowData[0]. */
	items: INodeExecutionData[];
	/** Event log to append to (e.g. the webhook harness's, to see the order across both). */
	events?: string[];
	/** The workflow's ID (default 'wf-1'): executions of one workflow share the trigger's record. */
	workflowId?: string;
	/** The execution's ID (default: a fresh one per harness; the same one for a retried job). */
	executionId?: string;
	/** n8n's cancel signal of the execution (aborted when n8n cancels the run). */
	cancelSignal?: AbortSignal;
}

let executionCounter = 0;

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
	ctx.getNode.mockReturnValue({ ...TRIGGER_NODE, typeVersion: call.typeVersion ?? 1 });
	ctx.getMode.mockReturnValue(call.mode ?? 'webhook');
	ctx.getExecutionId.mockReturnValue(call.executionId ?? `exec-${++executionCounter}`);
	ctx.getInputData.mockImplementation(() => call.items);
	ctx.getExecutionCancelSignal.mockImplementation(() => call.cancelSignal);
	ctx.getWorkflow.mockReturnValue({ id: call.workflowId ?? 'wf-1', name: 'FlexPay', active: true });
	ctx.getWorkflowStaticData.mockImplementation(keepsNoStaticData);
	ctx.getNodeParameter.mockImplementation(((
		name: string,
		_itemIndex: number,
		fallback?: unknown,
	) =>
		name === 'options' ? (call.options ?? {}) : fallback) as IExecuteFunctions['getNodeParameter']);
	ctx.getCredentials.mockImplementation(credentialsOf(call, events, 'execute:getCredentials'));
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
	const httpRequestWithAuthentication = jest.fn(async function (
		this: IExecuteFunctions,
		type: string,
		options: IHttpRequestOptions,
	) {
		events.push('execute:statusRequest');
		return await statusRequest.call(this, type, options);
	});
	const processed = call.processed;
	ctx.helpers = {
		httpRequestWithAuthentication,
		...(processed && {
			checkProcessedAndRecord: processed.checkProcessedAndRecord.bind(processed),
			removeProcessed: processed.removeProcessed.bind(processed),
		}),
	} as unknown as IExecuteFunctions['helpers'];

	const node = new VerotelFlexPayTrigger();
	const run = async () => {
		const output = await node.execute.call(ctx);
		events.push('execute:resolved');
		return output;
	};
	return { ctx, events, logs, responses, run };
}

/** The single item execute() passed on. */
export function outputItemOf(output: INodeExecutionData[][] | undefined): IDataObject {
	expect(output).toHaveLength(1);
	expect(output?.[0]).toHaveLength(1);
	expect(output![0][0].pairedItem).toEqual({ item: 0 });
	return output![0][0].json;
}
