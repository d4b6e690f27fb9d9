/**
 * A postback delivered to the trigger inside n8n-core's real contexts, the way
 * n8n's webhook handling does it: setup() loads the trigger's workflow,
 * deliver() runs webhook() in a WebhookContext on a GET and records what the
 * trigger wrote on an Express-like response, execute() runs webhook()'s
 * workflowData in n8n-core's engine and records what reached the sendResponse
 * hook. useProcessedStore() puts a ProcessedStore behind n8n-core's own
 * deduplication helpers.
 */
import { DataDeduplicationService } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IExecuteResponsePromiseData,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IWebhookResponseData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { TEST_CREDENTIALS } from '../fixtures/flexpay';
import {
	callWebhook,
	executeWebhookResult,
	TRIGGER_NODE_NAME as NODE_NAME,
	triggerEnv,
	type TriggerEnv,
} from '../helpers/trigger-context';
import { asSent } from './execute-harness';
import type { ProcessedStore } from './processed-store';

export const WEBHOOK_ID = '3b0c7a52-5e0e-4c4e-9a57-1f6f3f0d9c11';

/** What the trigger wrote on the response. */
export interface Sent {
	status?: number;
	type?: string;
	body?: string;
}

/** The trigger alone in a workflow as n8n loads it for one request, with these parameters and credential. */
export function setup(
	parameters: INodeParameters,
	credentials: ICredentialDataDecryptedObject = TEST_CREDENTIALS,
) {
	return triggerEnv({
		baseUrl: 'https://n8n.example.com',
		workflowId: 'wf-1',
		webhookId: WEBHOOK_ID,
		parameters,
		credentials,
	});
}

let current: ProcessedStore | undefined;

/**
 * n8n's deduplication store as n8n-core's helpers reach it
 * (DataDeduplicationService, in n8n backed by the processed_data table), here
 * `store` until the next call. n8n-core allows one initialisation per module
 * registry, i.e. per test file.
 */
export async function useProcessedStore(store: ProcessedStore): Promise<void> {
	if (current === undefined)
		await DataDeduplicationService.init({
			checkProcessedAndRecord: async (items, scope, _context, options) =>
				await current!.checkProcessedAndRecord(items, scope, options),
			removeProcessed: async (items, scope, _context, options) =>
				await current!.removeProcessed(items, scope, options),
			clearAllProcessedItems: async () => {
				throw new Error('not used by the trigger');
			},
			getProcessedDataCount: async () => {
				throw new Error('not used by the trigger');
			},
		});
	current = store;
}

export interface Delivery {
	result: IWebhookResponseData;
	sent: Sent;
	order: string[];
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
	const res = {
		get headersSent() {
			return headersSent;
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
	return { result, sent, order };
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
