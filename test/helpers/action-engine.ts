/**
 * Test helper for the Verotel FlexPay action node: the n8n engine runner
 * (n8n-engine.ts) set up with this package's node and credential, from the
 * TypeScript sources or from the built package (dist) as n8n loads it.
 */
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import * as net from 'node:net';

import { VerotelControlCenterApi } from '../../credentials/VerotelControlCenterApi.credentials';
import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { setUpN8nContainer } from './n8n-container';
import type { TestCredentialStore } from './n8n-credentials-helper';
import { runWorkflow, type EngineRunResult, type WorkflowJson } from './n8n-engine';
import { registerBaseStandIns, TestNodeTypes } from './n8n-node-types';
import { loadBuiltPackage } from './n8n-package-loader';

export const ACTION_NODE_TYPE = 'n8n-nodes-verotel-flexpay.verotelFlexPay';
/** The name of the action node in actionWorkflow(). */
export const ACTION_NODE_NAME = 'Verotel FlexPay';

/** The node's reference to a stored credential (store key `c` or `cc` of a TestCredentialStore). */
export const FLEXPAY_CREDENTIAL: INode['credentials'] = {
	verotelFlexPayApi: { id: 'c', name: 'FlexPay' },
};
export const CONTROL_CENTER_CREDENTIAL: INode['credentials'] = {
	verotelControlCenterApi: { id: 'cc', name: 'Control Center' },
};

export interface ActionWorkflowOptions {
	/** Default FLEXPAY_CREDENTIAL. */
	credentials?: INode['credentials'];
	/** The node's On Error setting, e.g. continueRegularOutput. */
	onError?: string;
	/** Items pinned on the Start node; without them it passes one empty item. */
	items?: IDataObject[];
	/** The node's typeVersion as a saved workflow holds it; default 1. */
	typeVersion?: number;
}

/** A manual trigger ("Start") followed by one Verotel FlexPay action node with these parameters. */
export function actionWorkflow(
	parameters: INodeParameters,
	options: ActionWorkflowOptions = {},
): WorkflowJson {
	return {
		nodes: [
			{
				id: '1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '2',
				name: ACTION_NODE_NAME,
				type: ACTION_NODE_TYPE,
				typeVersion: options.typeVersion ?? 1,
				position: [200, 0],
				parameters,
				credentials: options.credentials ?? FLEXPAY_CREDENTIAL,
				...(options.onError ? { onError: options.onError as INode['onError'] } : {}),
			},
		],
		connections: { Start: { main: [[{ node: ACTION_NODE_NAME, type: 'main', index: 0 }]] } },
		...(options.items ? { pinData: { Start: options.items.map((json) => ({ json })) } } : {}),
	};
}

export interface PackageTypes {
	label: string;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: Record<string, ICredentialType>;
}

export function sourceTypes(): PackageTypes {
	return {
		label: 'TypeScript classes',
		nodeTypes: { [ACTION_NODE_TYPE]: new VerotelFlexPay() },
		credentialTypes: {
			verotelFlexPayApi: new VerotelFlexPayApi(),
			verotelControlCenterApi: new VerotelControlCenterApi(),
		},
	};
}

/** The built package as n8n's PackageDirectoryLoader loads it, or undefined when dist is missing. */
export async function builtTypes(): Promise<PackageTypes | undefined> {
	const built = await loadBuiltPackage();
	if (!built || !built.nodeTypes[ACTION_NODE_TYPE] || !built.credentialTypes.verotelFlexPayApi)
		return undefined;
	return {
		label: 'built package (dist) via PackageDirectoryLoader',
		nodeTypes: built.nodeTypes,
		credentialTypes: built.credentialTypes,
	};
}

export async function runActionWorkflow(
	json: WorkflowJson,
	credentials: TestCredentialStore,
	types: PackageTypes = sourceTypes(),
): Promise<EngineRunResult> {
	const nodeTypes = registerBaseStandIns(new TestNodeTypes());
	for (const [name, type] of Object.entries(types.nodeTypes)) nodeTypes.register(name, type);
	return await runWorkflow(json, {
		nodeTypes,
		credentialTypes: types.credentialTypes,
		credentials,
	});
}

/** The NodeApiError of a run that failed on the action node's first item. */
export function nodeApiErrorOf(result: EngineRunResult): NodeApiError {
	expect(result.run.status).toBe('error');
	// n8n stores a copy ({ ...error, message, stack }) of the thrown error in the run data.
	const error = result.task(ACTION_NODE_NAME)?.error as NodeApiError;
	expect(error.name).toBe(NodeApiError.name);
	expect(error.context.itemIndex).toBe(0);
	expect(result.run.data.resultData.error).toMatchObject({
		message: error.message,
		description: error.description,
	});
	return error;
}

/**
 * Jest hooks for a file that runs the engine against nock: n8n's DI
 * singletons set up once, no real connection unless a test enables one (until
 * its end), every interceptor gone after each test.
 */
export function setUpEngineWithNock(): void {
	beforeAll(() => {
		setUpN8nContainer();
		nock.disableNetConnect();
	});
	afterEach(() => {
		nock.cleanAll();
		nock.disableNetConnect();
	});
	afterAll(() => nock.enableNetConnect());
}

/** A local port nothing listens on (a connection to it is refused). */
export async function closedPort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address() as net.AddressInfo;
			server.close(() => resolve(address.port));
		});
	});
}
