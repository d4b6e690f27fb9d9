/**
 * Shared test helper: runs workflow JSON through n8n's own execution engine
 * (n8n-core `WorkflowExecute`, the version n8n 2.8.x ships), with
 *   - node types registered directly from classes (n8n-node-types.ts), or
 *     loaded from the built package the way n8n loads an installed community
 *     package (n8n-package-loader.ts);
 *   - a credentials helper that returns test credentials and applies the
 *     credential type's `authenticate` as n8n does (n8n-credentials-helper.ts);
 *   - real HTTP through n8n-core's request helpers, so `nock` can sit behind it.
 *
 * Reusable for other nodes of this package (e.g. the trigger): register its
 * class, or load the package, and pass the workflow JSON.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	ITaskData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import * as fs from 'node:fs';

import { TestCredentialsHelper, type TestCredentialStore } from './n8n-credentials-helper';
import type { TestNodeTypes } from './n8n-node-types';

export function createAdditionalData(
	credentialsHelper: ICredentialsHelper,
	hooks: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper,
		hooks,
		executionId: hooks.executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not supported by this test helper');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Task runners are not supported by this test helper');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowJson {
	name?: string;
	nodes: INode[];
	connections: IConnections;
	pinData?: IPinData;
	settings?: IDataObject;
}

export interface EngineRunResult {
	run: IRun;
	credentialsHelper: TestCredentialsHelper;
	/** Task data of the node's first run. */
	task(nodeName: string): ITaskData | undefined;
	/** JSON of the node's first output, or undefined when the node did not run. */
	outputJson(nodeName: string): IDataObject[] | undefined;
	/** Items (json + pairedItem) of the node's first output. */
	outputItems(nodeName: string): INodeExecutionData[] | undefined;
	/** The execution error as readable text (message, description, stack head), or undefined. */
	failure(): string | undefined;
}

export interface EngineOptions {
	nodeTypes: TestNodeTypes;
	credentialTypes: Record<string, ICredentialType>;
	credentials: TestCredentialStore;
	mode?: WorkflowExecuteMode;
}

/** Runs workflow JSON from its trigger (the first node without inputs) to the end. */
export async function runWorkflow(
	json: WorkflowJson,
	options: EngineOptions,
): Promise<EngineRunResult> {
	const mode = options.mode ?? 'manual';
	const workflow = new Workflow({
		id: 'test-workflow',
		name: json.name ?? 'test',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes: options.nodeTypes,
		settings: { executionOrder: 'v1', ...(json.settings ?? {}) },
		pinData: json.pinData,
	});
	const credentialsHelper = new TestCredentialsHelper(options.credentialTypes, options.credentials);
	const workflowData = {
		id: 'test-workflow',
		name: json.name ?? 'test',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', workflowData);
	const additionalData = createAdditionalData(credentialsHelper, hooks);
	const startNode = json.nodes.find((node) => {
		const type = options.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		return Array.isArray(type.description.inputs) && type.description.inputs.length === 0;
	});
	const execution = new WorkflowExecute(additionalData, mode);
	const run = await execution.run({ workflow, startNode, pinData: json.pinData });
	const task = (nodeName: string) => run.data.resultData.runData[nodeName]?.[0];
	const outputItems = (nodeName: string) => task(nodeName)?.data?.main?.[0] ?? undefined;
	return {
		run,
		credentialsHelper,
		task,
		outputItems,
		outputJson: (nodeName: string) => outputItems(nodeName)?.map((item) => item.json),
		failure: () => {
			const error = run.data.resultData.error;
			if (!error) return undefined;
			const stack = (error.stack ?? '').split('\n').slice(0, 6).join('\n');
			return `${error.message} | ${error.description ?? ''} | ${stack}`;
		},
	};
}

export function readWorkflowJson(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson;
}
