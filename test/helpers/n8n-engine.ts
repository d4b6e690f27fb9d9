/**
 * Shared test helper: runs workflow JSON through n8n's own execution engine
 * (n8n-core `WorkflowExecute`, the version n8n 2.8.x ships), with
 *   - node types registered directly from classes, or loaded from the built
 *     package the way n8n loads an installed community package
 *     (n8n-core `PackageDirectoryLoader` over package.json's `n8n` section);
 *   - a credentials helper that returns test credentials (with the credential
 *     type's defaults applied, as n8n does) and applies the credential type's
 *     `authenticate` exactly as n8n's CLI CredentialsHelper does;
 *   - real HTTP through n8n-core's request helpers, so `nock` can sit behind it.
 *
 * Reusable for other nodes of this package (e.g. the trigger): register its
 * class, or load the package, and pass the workflow JSON.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { mock } from 'jest-mock-extended';
import {
	BinaryDataService,
	ErrorReporter,
	ExecutionLifecycleHooks,
	InstanceSettings,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IPinData,
	IRequestOptionsSimplified,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IConnections,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Package name n8n uses as the type prefix of an installed package. */
export const PACKAGE_NAME = 'n8n-nodes-verotel-flexpay';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Stand-in for `n8n-nodes-base.manualTrigger` (n8n-nodes-base is not a
 * dependency here). Same contract as the real node: no inputs, one output,
 * `execute()` passes the engine's start item through.
 */
export class ManualTriggerStandIn implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Stand-in for `n8n-nodes-base.noOp`: passes its input through. */
export class NoOpStandIn implements INodeType {
	description = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** The n8n-nodes-base stand-ins, registered under their real type names. */
export function registerBaseStandIns(nodeTypes: TestNodeTypes): TestNodeTypes {
	return nodeTypes
		.register('n8n-nodes-base.manualTrigger', new ManualTriggerStandIn())
		.register('n8n-nodes-base.noOp', new NoOpStandIn());
}

/**
 * Quietens n8n-core's DI singletons (no log output, no ~/.n8n settings file,
 * no background timers); must run before anything uses them.
 */
export function setUpN8nContainer(): void {
	Container.set(Logger, mock<Logger>());
	Container.set(ErrorReporter, mock<ErrorReporter>());
	Container.set(SSHClientsManager, mock<SSHClientsManager>());
	Container.set(ScheduledTaskManager, mock<ScheduledTaskManager>());
	Container.set(
		InstanceSettings,
		mock<InstanceSettings>({
			instanceId: 'test-instance',
			encryptionKey: 'test-encryption-key',
			n8nFolder: path.join(os.tmpdir(), 'n8n-nodes-verotel-flexpay-test'),
		}),
	);
	Container.set(BinaryDataService, mock<BinaryDataService>());
}

/** Replaces n8n's Logger with one that records the arguments of every call in `logs`, e.g. to scan them for a secret. */
export function recordN8nLogs(logs: unknown[]): void {
	const record = (...args: unknown[]) => logs.push(args);
	const logger = { error: record, warn: record, info: record, debug: record, scoped: () => logger };
	Container.set(Logger, logger as unknown as Logger);
}

export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	register(fullType: string, nodeType: INodeType | IVersionedNodeType): this {
		this.types.set(fullType, nodeType);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.types.get(nodeType);
		if (!found) throw new Error(`Unknown node type ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** Stored credential data, keyed by credential id (what a workflow's node references). */
export type TestCredentialStore = Record<string, { type: string; data: ICredentialDataDecryptedObject }>;

/** The parts of n8n's CLI CredentialsHelper a node execution needs, over in-memory credentials. */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every request after `authenticate`, for assertions. */
	readonly authenticatedRequests: IHttpRequestOptions[] = [];

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly store: TestCredentialStore,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	/**
	 * Same dispatch as n8n's CLI CredentialsHelper.authenticate: a function is
	 * called; a generic one has each key and value resolved as an expression over
	 * `$credentials` and set on the request (n8n 2.41.1
	 * dist/credentials-helper.js lines 69-99, `resolveValue` lines 143-152).
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.credentialTypes[typeName];
		if (!type) throw new Error(`Unknown credential type ${typeName}`);
		let result = requestOptions as IHttpRequestOptions;
		if (typeof type.authenticate === 'function') {
			result = await type.authenticate(credentials, requestOptions as IHttpRequestOptions);
		} else if (type.authenticate) {
			if (!workflow || !node) throw new Error('Workflow and node are required for declarative credential authentication');
			const options = result as unknown as Record<string, IDataObject | undefined>;
			if (options.headers === undefined) options.headers = {};
			const resolve = (value: unknown): unknown => {
				if (typeof value !== 'string' || !value.startsWith('=')) return value;
				const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
				return resolved ? resolved.toString() : '';
			};
			if (type.authenticate.type === 'generic') {
				for (const [outerKey, outerValue] of Object.entries(type.authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as IDataObject)) {
						const target = (options[outerKey] ??= {});
						target[String(resolve(key))] = resolve(value) as IDataObject[string];
					}
				}
			}
		}
		this.authenticatedRequests.push(result);
		return result;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used in these tests');
	}

	/** The stored data with the credential type's defaults, as n8n's applyDefaultsAndOverwrites does. */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = nodeCredentials.id ? this.store[nodeCredentials.id] : undefined;
		if (!stored || stored.type !== type) {
			throw new Error(`No test credential "${nodeCredentials.id ?? ''}" of type ${type}`);
		}
		return withDefaults(this.getCredentialsProperties(type), stored.data);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		const found = this.credentialTypes[type];
		if (!found) throw new Error(`Unknown credential type ${type}`);
		return found.properties;
	}
}

export function withDefaults(
	properties: INodeProperties[],
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const out: ICredentialDataDecryptedObject = {};
	for (const property of properties) {
		if (property.default !== undefined) out[property.name] = property.default as string;
	}
	return { ...out, ...data };
}

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
export async function runWorkflow(json: WorkflowJson, options: EngineOptions): Promise<EngineRunResult> {
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

/**
 * Loads node and credential types from the built package exactly as n8n loads
 * an installed community package (n8n-core PackageDirectoryLoader reading
 * package.json `n8n.nodes` / `n8n.credentials` from dist). Entries whose file
 * is not built (yet) are left out. Returns undefined when nothing is built.
 */
export async function loadBuiltPackage(packageDir = REPO_ROOT): Promise<
	| {
			nodeTypes: Record<string, INodeType | IVersionedNodeType>;
			credentialTypes: Record<string, ICredentialType>;
			loader: PackageDirectoryLoader;
	  }
	| undefined
> {
	const loader = new PackageDirectoryLoader(packageDir);
	const section = loader.packageJson.n8n;
	if (!section) return undefined;
	const exists = (file: string) => fs.existsSync(path.resolve(packageDir, file));
	section.nodes = (section.nodes ?? []).filter(exists);
	section.credentials = (section.credentials ?? []).filter(exists);
	if (section.nodes.length === 0) return undefined;
	await loader.loadAll();
	const nodeTypes: Record<string, INodeType | IVersionedNodeType> = {};
	for (const [name, data] of Object.entries(loader.nodeTypes)) nodeTypes[`${loader.packageName}.${name}`] = data.type;
	const credentialTypes: Record<string, ICredentialType> = {};
	for (const [name, data] of Object.entries(loader.credentialTypes)) credentialTypes[name] = data.type;
	return { nodeTypes, credentialTypes, loader };
}
