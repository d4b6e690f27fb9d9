/**
 * A postback delivered to the trigger inside n8n-core's real contexts, the way
 * n8n's webhook handling does it: setup() loads the trigger's workflow,
 * deliver() runs webhook() in a WebhookContext on a GET and records what the
 * trigger wrote on an Express-like response, execute() runs webhook()'s
 * workflowData in n8n-core's engine and records what reached the sendResponse
 * hook.
 */
import { EventEmitter } from 'events';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteResponsePromiseData,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IWebhookResponseData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import {
	callWebhook,
	executeWebhookResult,
	TRIGGER_NODE_NAME as NODE_NAME,
	triggerEnv,
	type TriggerEnv,
} from '../helpers/trigger-context';
import { asSent } from './execute-harness';
import { CREDENTIALS } from './fixtures';

export const WEBHOOK_ID = '3b0c7a52-5e0e-4c4e-9a57-1f6f3f0d9c11';

/** What went out on the response: written by the trigger, or by n8n answering (finish()). */
export interface Sent {
	status?: number;
	type?: string;
	body?: string;
}

/** The trigger alone in a workflow as n8n loads it for one request, with these parameters, static data and credential. */
export function setup(
	parameters: INodeParameters,
	staticData: IDataObject = {},
	credentials: ICredentialDataDecryptedObject = CREDENTIALS,
) {
	return triggerEnv({
		baseUrl: 'https://n8n.example.com',
		workflowId: 'wf-1',
		webhookId: WEBHOOK_ID,
		parameters,
		credentials,
		staticData,
	});
}

export interface Delivery {
	result: IWebhookResponseData;
	sent: Sent;
	order: string[];
	/** n8n answering the request (its OK once the execution is stored) and closing it. */
	finish(status?: number): void;
}

/** A GET with `query` to the trigger's production (or test) URL, through webhook() in n8n-core's WebhookContext. */
export async function deliver(
	env: TriggerEnv,
	query: string,
	mode: 'webhook' | 'manual' = 'webhook',
	order: string[] = [],
): Promise<Delivery> {
	const sent: Sent = {};
	let headersSent = false;
	let writableFinished = false;
	const closing = new EventEmitter();
	const res = {
		get headersSent() {
			return headersSent;
		},
		get statusCode() {
			return sent.status ?? 200;
		},
		get writableFinished() {
			return writableFinished;
		},
		once(event: string, listener: () => void) {
			closing.once(event, listener);
			return res;
		},
		status(code: number) {
			sent.status = code;
			return res;
		},
		type(value: string) {
			sent.type = value;
			return res;
		},
		send(body: string) {
			sent.body = body;
			headersSent = true;
			writableFinished = true;
			order.push('sent');
			return res;
		},
	};
	const result = await callWebhook(
		env,
		mode,
		{ method: 'GET', url: `/webhook/${WEBHOOK_ID}/webhook?${query}` },
		res,
	);
	order.push('webhook resolved');
	return {
		result,
		sent,
		order,
		finish(status = 200) {
			sent.status = status;
			sent.body = 'OK';
			headersSent = true;
			writableFinished = true;
			closing.emit('close');
		},
	};
}

export interface Execution {
	run: IRun;
	/** What the trigger node passed on, as the engine recorded it. */
	output: INodeExecutionData[] | undefined;
	responses: IExecuteResponsePromiseData[];
}

/** What n8n does with webhook()'s workflowData: the trigger node on the execution stack, run by the engine. */
export async function execute(
	env: TriggerEnv,
	webhookResult: IWebhookResponseData,
	order: string[] = [],
	mode: WorkflowExecuteMode = 'webhook',
): Promise<Execution> {
	const responses: IExecuteResponsePromiseData[] = [];
	const run = await executeWebhookResult(env, webhookResult, mode, (response) => {
		order.push('sendResponse');
		responses.push(asSent(response));
	});
	order.push('execution finished');
	const error = run.data.resultData.error;
	if (error) throw new Error(`execution failed: ${error.message}`);
	return {
		run,
		output: run.data.resultData.runData[NODE_NAME]?.[0]?.data?.main?.[0] ?? undefined,
		responses,
	};
}
