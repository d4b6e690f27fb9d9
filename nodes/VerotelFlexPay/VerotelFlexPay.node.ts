import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CONTROL_CENTER_CREDENTIAL_TYPE } from '../../credentials/VerotelControlCenterApi.credentials';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import {
	operations as paymentLinkOperations,
	paymentLinkDescription,
} from './resources/paymentLink';
import { operations as postbackOperations, postbackDescription } from './resources/postback';
import { operations as saleOperations, saleDescription } from './resources/sale';
import { operations as signatureOperations, signatureDescription } from './resources/signature';
import {
	operations as subscriptionOperations,
	subscriptionDescription,
} from './resources/subscription';
import { DEFAULT_NODE_VERSION, NODE_VERSIONS, operationSubtitles } from './helpers/descriptions';
import { parameterLabels, toNodeError } from './helpers/errors';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject>;

const ROUTES: Record<string, Record<string, { execute: Operation }>> = {
	paymentLink: paymentLinkOperations,
	postback: postbackOperations,
	sale: saleOperations,
	signature: signatureOperations,
	subscription: subscriptionOperations,
};

const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Payment Link', value: 'paymentLink' },
			{ name: 'Postback', value: 'postback' },
			{ name: 'Sale', value: 'sale' },
			{ name: 'Signature', value: 'signature' },
			{ name: 'Subscription', value: 'subscription' },
		],
		default: 'paymentLink',
	},
	...paymentLinkDescription,
	...postbackDescription,
	...saleDescription,
	...signatureDescription,
	...subscriptionDescription,
];

/**
 * Operations an AI agent must not run (labels as the node shows them): a test
 * postback carries a valid signature, so a trigger may grant goods for it, and
 * a cancel stops a buyer's billing. Everything else only builds or checks links
 * and reads a sale.
 */
const NOT_AS_TOOL: Record<string, Record<string, string>> = {
	postback: { sendTestPostback: 'Postback -> Send Test Postback' },
	subscription: { cancel: 'Subscription -> Cancel' },
};

/**
 * Whether n8n runs this node as an AI agent tool: n8n adds the tool variant
 * under the node's type name plus `Tool` (n8n-workflow's `@tool` display
 * condition tests the same suffix). The lint requires `usableAsTool` to be
 * declared, and n8n's type allows only `true` there, so the refusal is here.
 */
function runsAsTool(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/**
 * The subtitle under the node's name on the canvas: an expression over the
 * operations' words, which n8n evaluates in the editor against the node's
 * parameters (an unknown value is shown as it is).
 */
const SUBTITLE = `={{ (${JSON.stringify(operationSubtitles(properties))})[$parameter["operation"]] || $parameter["operation"] }}`;

/** Errors name the parameters as the node shows them. */
const PARAMETER_LABELS = parameterLabels(properties);

export class VerotelFlexPay implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Verotel FlexPay',
		name: 'verotelFlexPay',
		icon: { light: 'file:../../icons/flexpay.svg', dark: 'file:../../icons/flexpay.dark.svg' },
		group: ['transform'],
		version: NODE_VERSIONS,
		defaultVersion: DEFAULT_NODE_VERSION,
		subtitle: SUBTITLE,
		description:
			'Create signed FlexPay payment links, look up sale status, verify success redirects, send test postbacks and cancel subscriptions (Verotel, CardBilling, BitsafePay, Bill, PaintFest, GayCharge, YoursafeDirect)',
		defaults: { name: 'Verotel FlexPay' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: FLEXPAY_CREDENTIAL_TYPE,
				required: true,
				displayOptions: { hide: { resource: ['subscription'] } },
			},
			{
				name: CONTROL_CENTER_CREDENTIAL_TYPE,
				required: true,
				displayOptions: { show: { resource: ['subscription'] } },
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const returnData: INodeExecutionData[] = [];

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const resource = this.getNodeParameter('resource', itemIndex) as string;
				const operation = this.getNodeParameter('operation', itemIndex) as string;
				const route = ROUTES[resource]?.[operation];
				if (!route) {
					throw new NodeOperationError(
						this.getNode(),
						`The operation "${operation}" is not known for "${resource}"`,
						{
							itemIndex,
							description: 'Choose an operation from the list in the node.',
						},
					);
				}
				const notAsTool = NOT_AS_TOOL[resource]?.[operation];
				if (notAsTool !== undefined && runsAsTool(this.getNode())) {
					throw new NodeOperationError(
						this.getNode(),
						`${notAsTool} cannot run as an AI agent tool`,
						{
							itemIndex,
							description:
								'An agent could be talked into sending signed postbacks or cancelling subscriptions. Use a regular Verotel FlexPay node in the workflow for this operation, after the step that decides it (such as an If node or a human approval).',
						},
					);
				}
				const json = await route.execute.call(this, itemIndex);
				returnData.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, itemIndex, PARAMETER_LABELS);
				if (this.continueOnFail()) {
					// As n8n's RoutingNode does: the error object on the item routes it to the error
					// output ("Continue (using error output)") and keeps the description (how to fix);
					// n8n's engine sets the item's json to { error: message } itself.
					returnData.push({
						json: { error: nodeError.message },
						error: nodeError,
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw nodeError;
			}
		}

		return [returnData];
	}
}
