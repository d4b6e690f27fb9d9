/**
 * Test helper for the Verotel FlexPay action node: the n8n engine runner
 * (n8n-engine.ts) set up with this package's node and credential, from the
 * TypeScript sources or from the built package (dist) as n8n loads it.
 */
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';

import { VerotelControlCenterApi } from '../../credentials/VerotelControlCenterApi.credentials';
import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import {
	loadBuiltPackage,
	registerBaseStandIns,
	runWorkflow,
	TestNodeTypes,
	type EngineRunResult,
	type TestCredentialStore,
	type WorkflowJson,
} from './n8n-engine';

export const ACTION_NODE_TYPE = 'n8n-nodes-verotel-flexpay.verotelFlexPay';

export interface PackageTypes {
	label: string;
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: Record<string, ICredentialType>;
}

export function sourceTypes(): PackageTypes {
	return {
		label: 'TypeScript classes',
		nodeTypes: { [ACTION_NODE_TYPE]: new VerotelFlexPay() },
		credentialTypes: { verotelFlexPayApi: new VerotelFlexPayApi(), verotelControlCenterApi: new VerotelControlCenterApi() },
	};
}

/** The built package as n8n's PackageDirectoryLoader loads it, or undefined when dist is missing. */
export async function builtTypes(): Promise<PackageTypes | undefined> {
	const built = await loadBuiltPackage();
	if (!built || !built.nodeTypes[ACTION_NODE_TYPE] || !built.credentialTypes.verotelFlexPayApi) return undefined;
	return { label: 'built package (dist) via PackageDirectoryLoader', nodeTypes: built.nodeTypes, credentialTypes: built.credentialTypes };
}

export async function runActionWorkflow(
	json: WorkflowJson,
	credentials: TestCredentialStore,
	types: PackageTypes = sourceTypes(),
): Promise<EngineRunResult> {
	const nodeTypes = registerBaseStandIns(new TestNodeTypes());
	for (const [name, type] of Object.entries(types.nodeTypes)) nodeTypes.register(name, type);
	return await runWorkflow(json, { nodeTypes, credentialTypes: types.credentialTypes, credentials });
}
