/**
 * Test helper: the Verotel FlexPay Trigger inside n8n-core's real contexts, set
 * up the way n8n's webhook handling does it: n8n-workflow's Workflow with the
 * trigger node, the additional data (base URLs, a credentials helper that
 * applies the package's real credential), webhook() in a WebhookContext on a
 * request, and the webhook's workflowData run by n8n-core's engine
 * (WorkflowExecute). Stand-in, not n8n: the HTTP routing and the storing of
 * the execution.
 */
import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IExecuteResponsePromiseData,
	type IHttpRequestOptions,
	type INode,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import type { IncomingHttpHeaders } from 'node:http';

import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { VerotelFlexPayTrigger } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node';

export const TRIGGER_NODE_NAME = 'Verotel FlexPay Trigger';
export const trigger = new VerotelFlexPayTrigger();

const nodeTypes: INodeTypes = {
	getByName: () => trigger as INodeType,
	getByNameAndVersion: () => trigger as INodeType,
	getKnownTypes: () => ({}),
};
const credentialType = new VerotelFlexPayApi();

export interface TriggerEnvOptions {
	/** n8n's own address without a trailing slash, e.g. https://n8n.example.com; its webhook URLs start with it. */
	baseUrl: string;
	workflowId: string;
	webhookId: string;
	parameters: INodeParameters;
	/** The decrypted Verotel FlexPay credential n8n hands the node. */
	credentials: ICredentialDataDecryptedObject;
}

export interface TriggerEnv {
	node: INode;
	workflow: Workflow;
	webhookId: string;
	additionalData: IWorkflowExecuteAdditionalData;
}

/** A workflow of the trigger node alone, as n8n loads it for one request. */
export function triggerEnv(options: TriggerEnvOptions): TriggerEnv {
	const { baseUrl, credentials } = options;
	const node: INode = {
		id: 'trigger-1',
		name: TRIGGER_NODE_NAME,
		type: 'n8n-nodes-verotel-flexpay.verotelFlexPayTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: options.webhookId,
		parameters: options.parameters,
		credentials: { verotelFlexPayApi: { id: 'cred-1', name: 'FlexPay shop' } },
	};
	const workflow = new Workflow({
		id: options.workflowId,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});
	const additionalData = {
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		instanceBaseUrl: `${baseUrl}/`,
		restApiUrl: `${baseUrl}/rest`,
		variables: {},
		credentialsHelper: {
			getDecrypted: async () => ({ ...credentials }),
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (
				creds: ICredentialDataDecryptedObject,
				_type: string,
				request: IHttpRequestOptions,
			) => await credentialType.authenticate(creds, request),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return {
		node: workflow.getNode(TRIGGER_NODE_NAME)!,
		workflow,
		webhookId: options.webhookId,
		additionalData,
	};
}

/** The webhook as n8n registers it for the trigger node of `env`. */
export function webhookDataOf(env: TriggerEnv): IWebhookData {
	return {
		httpMethod: 'GET',
		node: TRIGGER_NODE_NAME,
		path: `${env.webhookId}/webhook`,
		webhookDescription: trigger.description.webhooks![0],
		workflowId: env.workflow.id,
		workflowExecuteAdditionalData: env.additionalData,
	};
}

export interface WebhookRequest {
	method: string;
	/** Path and raw query, as the request line carried them. */
	url: string;
	headers?: IncomingHttpHeaders;
}

/** The trigger's webhook() in n8n-core's WebhookContext, on `request`, answering through the Express-like `response`. */
export async function callWebhook(
	env: TriggerEnv,
	mode: WorkflowExecuteMode,
	request: WebhookRequest,
	response: unknown,
): Promise<IWebhookResponseData> {
	const { method, url, headers = {} } = request;
	env.additionalData.httpRequest = {
		method,
		url,
		originalUrl: url,
		headers,
		query: {},
		body: {},
	} as never;
	env.additionalData.httpResponse = response as never;
	const context = new WebhookContext(
		env.workflow,
		env.node,
		env.additionalData,
		mode,
		webhookDataOf(env),
		[],
		null,
	);
	return await trigger.webhook.call(context);
}

let executionCounter = 0;

/**
 * What n8n does with webhook()'s workflowData: the trigger node on the
 * execution stack, run by the engine; `onResponse` gets what the execution
 * sends through the sendResponse hook. Each call is a new execution (its own
 * ID) unless `executionId` names one again.
 */
export async function executeWebhookResult(
	env: TriggerEnv,
	webhookResult: IWebhookResponseData,
	mode: WorkflowExecuteMode,
	onResponse?: (response: IExecuteResponsePromiseData) => void,
	executionId = `exec-${++executionCounter}`,
): Promise<IRun> {
	const workflowData = {
		id: env.workflow.id,
		name: 'FlexPay',
		nodes: [env.node],
		connections: {},
		active: true,
		settings: {},
	};
	const hooks = new ExecutionLifecycleHooks(
		mode,
		executionId,
		workflowData as unknown as IWorkflowBase,
	);
	if (onResponse) hooks.addHandler('sendResponse', onResponse);
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: env.node, data: { main: webhookResult.workflowData! }, source: null },
			],
		},
	});
	const additionalData = {
		...env.additionalData,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
	};
	return await new WorkflowExecute(
		additionalData as IWorkflowExecuteAdditionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(env.workflow);
}
