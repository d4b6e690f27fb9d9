/**
 * `deliverAndExecute()`: the webhook and the execute harness chained the way
 * n8n chains them, and `visibleText()`: everything a run produced that a user
 * or a log reader could see.
 */
import type { IWebhookResponseData, INodeExecutionData } from 'n8n-workflow';

import { executeHarness, type ExecuteHarness } from './execute-harness';
import { harness, type CallOptions, type Harness } from './webhook-harness';

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
		workflowId: h.workflowId,
		mode: call.mode,
		processed: call.processed,
		typeVersion: call.typeVersion,
	});
	const output = await e.run();
	return { h, result, e, output };
}

/** Everything a run produced that a user or log reader could see. */
export function visibleText(
	h: Harness,
	result?: IWebhookResponseData,
	delivery?: Pick<Delivery, 'e' | 'output'>,
): string {
	return JSON.stringify({
		result: result ?? null,
		body: h.res.body ?? null,
		logs: h.logs,
		events: h.events,
		output: delivery?.output ?? null,
		executeLogs: delivery?.e?.logs ?? null,
		responses: delivery?.e?.responses ?? null,
	});
}
