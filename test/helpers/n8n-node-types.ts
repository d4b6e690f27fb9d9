/**
 * Node types for n8n's engine in tests: a registry (TestNodeTypes) and
 * stand-ins for the n8n-nodes-base nodes the test workflows use.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

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
