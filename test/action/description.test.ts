import {
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	type INode,
	type INodeProperties,
	type INodePropertyCollection,
	type INodePropertyOptions,
} from 'n8n-workflow';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { FlexPayValidationError } from '../../lib';
import { checkPeriod } from '../../lib/validation';
import {
	flexPayErrorToNodeError,
	parameterLabels,
} from '../../nodes/VerotelFlexPay/helpers/errors';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TestNodeTypes } from '../helpers/n8n-node-types';

const description = new VerotelFlexPay().description;
const nodeDir = path.resolve(__dirname, '../../nodes/VerotelFlexPay');

function operationsOf(resource: string): INodePropertyOptions[] {
	const property = description.properties.find(
		(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
	);
	return (property?.options ?? []) as INodePropertyOptions[];
}

function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((p) => [
		p,
		...((p.type === 'collection' ? (p.options as INodeProperties[]) : []) ?? []),
		...(p.type === 'fixedCollection'
			? (p.options as INodePropertyCollection[]).flatMap((o) => o.values)
			: []),
	]);
}

describe('Verotel FlexPay node description', () => {
	it('has the agreed identity and n8n conventions', () => {
		expect(description).toMatchObject({
			displayName: 'Verotel FlexPay',
			name: 'verotelFlexPay',
			group: ['transform'],
			version: [1, 2],
			defaultVersion: 2,
			usableAsTool: true,
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [
				{
					name: 'verotelFlexPayApi',
					required: true,
					displayOptions: { hide: { resource: ['subscription'] } },
				},
				{
					name: 'verotelControlCenterApi',
					required: true,
					displayOptions: { show: { resource: ['subscription'] } },
				},
			],
			icon: { light: 'file:../../icons/flexpay.svg', dark: 'file:../../icons/flexpay.dark.svg' },
		});
		for (const file of ['flexpay.svg', 'flexpay.dark.svg']) {
			expect(fs.existsSync(path.resolve(nodeDir, '../../icons', file))).toBe(true);
		}
	});

	it('shows the operation in words under the node, for every operation, as the editor evaluates it', () => {
		const nodeType = new VerotelFlexPay();
		const nodeTypes = new TestNodeTypes().register('verotelFlexPay', nodeType);
		// As n8n's editor does (workflows.store getNodeSubtitle): the node's parameters with their
		// defaults, then expression.getSimpleParameterValue(node, subtitle, 'internal', {}).
		const subtitleOf = (parameters: Record<string, string>) => {
			const node: INode = {
				id: '1',
				name: 'Verotel FlexPay',
				type: 'verotelFlexPay',
				typeVersion: 2,
				position: [0, 0],
				parameters: {},
			};
			node.parameters = NodeHelpers.getNodeParameters(
				description.properties,
				parameters,
				true,
				false,
				node,
				description,
			)!;
			const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
			return workflow.expression.getSimpleParameterValue(
				node,
				description.subtitle!,
				'internal',
				{},
			);
		};
		// A new node: the default resource and operation.
		expect(subtitleOf({})).toBe('Create Purchase URL');
		const shown = Object.fromEntries(
			(['paymentLink', 'postback', 'sale', 'signature', 'subscription'] as const).flatMap(
				(resource) =>
					operationsOf(resource).map((o) => [
						`${resource}/${String(o.value)}`,
						subtitleOf({ resource, operation: String(o.value) }),
					]),
			),
		);
		expect(shown).toEqual({
			'paymentLink/createCancelSubscriptionUrl': 'Create Cancel Subscription URL',
			'paymentLink/createPurchaseUrl': 'Create Purchase URL',
			'paymentLink/createSubscriptionUrl': 'Create Subscription URL',
			'paymentLink/createUpgradeSubscriptionUrl': 'Create Upgrade Subscription URL',
			'postback/sendTestPostback': 'Send Test Postback',
			'sale/getStatus': 'Get Sale Status',
			'signature/verifyRedirect': 'Verify Redirect',
			'subscription/cancel': 'Cancel Subscription',
		});
		// One map keyed by the operation serves every resource only while no two share a value.
		const values = description.properties
			.filter((p) => p.name === 'operation')
			.flatMap((p) => (p.options as INodePropertyOptions[]).map((o) => o.value));
		expect(new Set(values).size).toBe(values.length);
	});

	it('names every operation in the node description', () => {
		for (const words of [
			'payment links',
			'sale status',
			'success redirects',
			'test postbacks',
			'cancel subscriptions',
		])
			expect(description.description).toContain(words);
	});

	it('offers the resources and operations with Title Case names and sentence-case actions', () => {
		const resources = (description.properties.find((p) => p.name === 'resource')?.options ??
			[]) as INodePropertyOptions[];
		expect(resources.map((r) => [r.name, r.value])).toEqual([
			['Payment Link', 'paymentLink'],
			['Postback', 'postback'],
			['Sale', 'sale'],
			['Signature', 'signature'],
			['Subscription', 'subscription'],
		]);
		const ops = {
			paymentLink: operationsOf('paymentLink'),
			sale: operationsOf('sale'),
			signature: operationsOf('signature'),
		};
		expect(ops.paymentLink.map((o) => o.name).sort()).toEqual([
			'Create Cancel Subscription URL',
			'Create Purchase URL',
			'Create Subscription URL',
			'Create Upgrade Subscription URL',
		]);
		expect(ops.sale.map((o) => [o.name, o.action])).toEqual([
			['Get Status', 'Get the status of a sale'],
		]);
		expect(ops.signature.map((o) => o.name)).toEqual(['Verify Redirect']);
		expect(operationsOf('postback').map((o) => [o.name, o.action])).toEqual([
			['Send Test Postback', 'Send a test postback'],
		]);
		for (const op of [...ops.paymentLink, ...ops.sale, ...ops.signature]) {
			expect(op.name).toMatch(/^([A-Z][A-Za-z-]*|URL)( ([A-Z][A-Za-z-]*|URL))*$/);
			expect(op.action).toMatch(/^[A-Z][a-z]+( ([a-z]+|URL))+$/);
			expect(op.description).toBeTruthy();
		}
	});

	it('lets every parameter except resource and operation take expressions', () => {
		const withoutExpressions = allProperties(description.properties)
			.filter((p) => p.noDataExpression)
			.map((p) => p.name);
		expect([...new Set(withoutExpressions)].sort()).toEqual(['operation', 'resource']);
	});

	/** A purchase link's collection `name` as a node of `version` shows it: its fields' names. */
	const purchaseCollection = (name: string, version: number) => {
		const collections = description.properties.filter(
			(p) =>
				p.name === name &&
				p.displayOptions?.show?.operation?.includes('createPurchaseUrl') &&
				p.displayOptions?.show?.['@version']?.includes(version),
		);
		expect(collections.length).toBeLessThanOrEqual(1);
		return ((collections[0]?.options ?? []) as INodeProperties[]).map((o) => o.name).sort();
	};
	const RARELY_USED = [
		'mcc',
		'oneClickToken',
		'subCreditorCountry',
		'subCreditorId',
		'subCreditorName',
	];
	const COMMON = [
		'custom1',
		'custom2',
		'custom3',
		'declineURL',
		'email',
		'referenceID',
		'successURL',
	];

	it('version 1 keeps every optional purchase parameter of protocol 4 under Additional Fields', () => {
		expect(purchaseCollection('additionalFields', 1)).toEqual(
			[...COMMON, 'paymentMethod', ...RARELY_USED].sort(),
		);
		expect(purchaseCollection('advanced', 1)).toEqual([]);
		const required = description.properties
			.filter((p) => p.required && p.displayOptions?.show?.operation?.includes('createPurchaseUrl'))
			.map((p) => p.name);
		expect(required).toEqual(['amount', 'currency', 'description']);
	});

	it('version 2 shows Payment Method on its own and the rarely used fields under Advanced', () => {
		expect(purchaseCollection('additionalFields', 2)).toEqual(COMMON.sort());
		expect(purchaseCollection('advanced', 2)).toEqual(RARELY_USED);
	});

	it('gives a new (version 2) node the new defaults and a saved version 1 node the old ones', () => {
		const resolved = (typeVersion: number, parameters: Record<string, string>) => {
			const node: INode = {
				id: '1',
				name: 'Verotel FlexPay',
				type: 'verotelFlexPay',
				typeVersion,
				position: [0, 0],
				parameters,
			};
			return NodeHelpers.getNodeParameters(
				description.properties,
				parameters,
				true,
				false,
				node,
				description,
			);
		};
		const subscription = { operation: 'createSubscriptionUrl' };
		for (const operation of [
			'createPurchaseUrl',
			'createSubscriptionUrl',
			'createUpgradeSubscriptionUrl',
		]) {
			expect(resolved(2, { operation })).toMatchObject({ paymentMethod: 'buyerChooses' });
			expect(resolved(1, { operation })).not.toHaveProperty('paymentMethod');
		}
		expect(resolved(2, subscription)).toMatchObject({ period: 'P1M' });
		expect(resolved(2, subscription)).not.toHaveProperty('customPeriod');
		expect(resolved(2, { ...subscription, period: 'custom' })).toMatchObject({
			customPeriod: '',
		});
		expect(resolved(1, subscription)).toMatchObject({ period: '' });
		// The periods offered are durations the protocol core accepts for a recurring subscription.
		const period = description.properties.find((p) => p.name === 'period' && p.type === 'options');
		const values = (period?.options as INodePropertyOptions[]).map((o) => o.value);
		expect(values).toEqual(['P7D', 'P30D', 'P1M', 'P3M', 'P6M', 'P1Y', 'custom']);
		for (const value of values.filter((v) => v !== 'custom'))
			expect(checkPeriod('period', String(value), 7, true)).toBe(value);
	});

	it("errors name the lib's fields by the labels of the node's parameters and the credential's fields", () => {
		const labels = parameterLabels(description.properties);
		expect(labels).toEqual({
			priceAmount: 'Amount',
			priceCurrency: 'Currency',
			description: 'Description',
			paymentMethod: 'Payment Method',
			referenceID: 'Reference ID',
			custom1: 'Custom 1',
			custom2: 'Custom 2',
			custom3: 'Custom 3',
			successURL: 'Success URL',
			declineURL: 'Decline URL',
			email: 'Email',
			oneClickToken: 'One-Click Token',
			mcc: 'MCC',
			subCreditorName: 'Sub-Creditor Name',
			subCreditorId: 'Sub-Creditor ID',
			subCreditorCountry: 'Sub-Creditor Country',
			subscriptionType: 'Subscription Type',
			period: 'Period',
			name: 'Name',
			trialAmount: 'Trial Amount',
			trialPeriod: 'Trial Period',
			precedingSaleID: 'Preceding Sale ID',
			upgradeOption: 'Upgrade Option',
			saleID: 'Sale ID',
		});
		const shown = (field: string) =>
			flexPayErrorToNodeError(
				{} as never,
				new FlexPayValidationError(field, 'message', 'Fix it'),
				0,
				labels,
			).description;
		expect(shown('shopId')).toBe('Parameter: Shop ID (credential). Fix it.');
		expect(shown('signatureKey')).toBe('Parameter: Signature Key (credential). Fix it.');
		expect(shown('brand')).toBe('Parameter: Brand (credential). Fix it.');
		expect(shown('baseUrl')).toBe('Parameter: Custom Base URL (credential). Fix it.');
		// Fields that fill no parameter keep the lib's name.
		for (const field of ['event', 'amount', 'shopID', 'version', 'type'])
			expect(shown(field)).toBe(`Parameter: ${field}. Fix it.`);
	});

	it('ships a codex with category, aliases and documentation links', () => {
		const codex = JSON.parse(
			fs.readFileSync(path.join(nodeDir, 'VerotelFlexPay.node.json'), 'utf8'),
		);
		expect(codex).toMatchObject({
			node: 'n8n-nodes-verotel-flexpay.verotelFlexPay',
			nodeVersion: '1.0',
			codexVersion: '1.0',
			categories: ['Finance & Accounting'],
		});
		expect(codex.alias).toEqual([
			'payment',
			'checkout',
			'verotel',
			'flexpay',
			'cardbilling',
			'postback',
		]);
		expect(codex.resources.primaryDocumentation[0].url).toMatch(
			/^https:\/\/github\.com\/verotel-flexpay-n8n\/n8n-nodes-verotel-flexpay#/,
		);
		expect(codex.resources.credentialDocumentation[0].url).toMatch(/#credentials$/);
	});
});
