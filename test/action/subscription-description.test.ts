/**
 * The Subscription resource in the Verotel FlexPay node's description: the
 * Cancel operation, its Sale ID parameter, the billing warning an AI agent sees
 * (n8n builds a tool's description from the operation's `action`), and which
 * credential n8n shows for which resource (n8n's own displayParameter over the
 * credentials' displayOptions, which the editor and n8n-core's getCredentials
 * use; the engine side is in subscription-cancel-credentials.test.ts).
 */
import type {
	INode,
	INodeCredentialDescription,
	INodeParameters,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';

const description = new VerotelFlexPay().description;
const resources = (description.properties.find((p) => p.name === 'resource')?.options ??
	[]) as INodePropertyOptions[];

function nodeWith(parameters: INodeParameters, credentials: INode['credentials'] = {}): INode {
	return {
		id: 'n',
		name: 'Verotel FlexPay',
		type: 'n8n-nodes-verotel-flexpay.verotelFlexPay',
		typeVersion: 1,
		position: [0, 0],
		parameters:
			NodeHelpers.getNodeParameters(
				description.properties,
				parameters,
				true,
				false,
				null,
				description,
			) ?? {},
		credentials,
	};
}

/** The credential types n8n shows (and requires) for a node with these parameters. */
function shownCredentials(parameters: INodeParameters): string[] {
	const node = nodeWith(parameters);
	return (description.credentials ?? [])
		.filter((credential: INodeCredentialDescription) =>
			NodeHelpers.displayParameter(node.parameters, credential, node, description),
		)
		.map((credential) => credential.name);
}

describe('Subscription resource: description', () => {
	it('is offered as a resource with a single Cancel operation', () => {
		expect(resources).toContainEqual({ name: 'Subscription', value: 'subscription' });
		const operation = description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('subscription'),
		);
		expect(operation).toMatchObject({ type: 'options', noDataExpression: true, default: 'cancel' });
		expect((operation?.options as INodePropertyOptions[]).map((o) => [o.name, o.value])).toEqual([
			['Cancel', 'cancel'],
		]);
	});

	it('says in the action and the description that it changes billing (what an agent and the user see)', () => {
		const operation = description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('subscription'),
		);
		const cancel = (operation?.options as INodePropertyOptions[])[0];
		expect(cancel.action).toBe(
			'Cancel a subscription which stops its future rebills and changes billing',
		);
		expect(cancel.description).toMatch(/stops its future rebills \(changes billing\)/);
		expect(cancel.description).toMatch(/Control Center API credential/);
	});

	it("gives an AI agent using the node as a tool a description that warns about billing (n8n's makeDescription)", () => {
		const toolDescription = NodeHelpers.makeDescription(
			{ resource: 'subscription', operation: 'cancel' },
			description,
		);
		expect(toolDescription).toBe(
			'Cancel a subscription which stops its future rebills and changes billing in Verotel FlexPay',
		);
	});

	it('has one required parameter, Sale ID, shown only for Subscription -> Cancel', () => {
		const shown = description.properties.filter(
			(p) =>
				p.displayOptions?.show?.resource?.includes('subscription') &&
				p.displayOptions?.show?.operation?.includes('cancel'),
		);
		expect(shown).toEqual([
			expect.objectContaining({
				displayName: 'Sale ID',
				name: 'saleID',
				type: 'string',
				required: true,
				default: '',
				displayOptions: { show: { resource: ['subscription'], operation: ['cancel'] } },
			}),
		]);
		expect(shown[0].description).toMatch(/numeric sale ID of the subscription/);
	});
});

describe('credentials per resource, as n8n decides them', () => {
	it('shows the Control Center credential only for Subscription, and the FlexPay credential for every other resource', () => {
		expect(shownCredentials({ resource: 'subscription', operation: 'cancel' })).toEqual([
			'verotelControlCenterApi',
		]);
		for (const resource of resources
			.map((r) => String(r.value))
			.filter((value) => value !== 'subscription')) {
			expect([resource, shownCredentials({ resource })]).toEqual([resource, ['verotelFlexPayApi']]);
		}
		// The default resource (Payment Link) too.
		expect(shownCredentials({})).toEqual(['verotelFlexPayApi']);
	});
});
