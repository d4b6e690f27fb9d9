import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { NodeHelpers, type INode, type INodeProperties } from 'n8n-workflow';

import { POSTBACK_EVENTS } from '../../lib';
import { ALL_EVENTS, EVENT_OPTIONS } from '../../nodes/shared/events';
import { VerotelFlexPayTrigger } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node';
import { resolveOptions } from '../../nodes/VerotelFlexPayTrigger/options';

const root = join(__dirname, '..', '..');
const nodeDir = join(root, 'nodes', 'VerotelFlexPayTrigger');
const trigger = new VerotelFlexPayTrigger();
const { description } = trigger;

function option(name: string): INodeProperties {
	const options = description.properties.find((p) => p.name === 'options');
	const found = (options?.options as INodeProperties[] | undefined)?.find((o) => o.name === name);
	if (!found) throw new Error(`option ${name} missing`);
	return found;
}

describe('node description', () => {
	it('identity, trigger conventions, credentials', () => {
		expect(description).toMatchObject({
			name: 'verotelFlexPayTrigger',
			displayName: 'Verotel FlexPay Trigger',
			group: ['trigger'],
			// 2: Fetch Sale Details on unless turned off; version 1 workflows keep their meaning.
			version: [1, 2],
			defaultVersion: 2,
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'verotelFlexPayApi', required: true }],
		});
		expect(description).not.toHaveProperty('usableAsTool');
		expect(typeof description.subtitle).toBe('string');
	});

	it('icons resolve relative to the node file, light and dark differ', () => {
		expect(description.icon).toEqual({
			light: 'file:../../icons/flexpay.svg',
			dark: 'file:../../icons/flexpay.dark.svg',
		});
		for (const file of ['flexpay.svg', 'flexpay.dark.svg'])
			expect(existsSync(join(nodeDir, '..', '..', 'icons', file))).toBe(true);
	});

	it('GET (default) and POST (setup) on the same path; responseMode follows "Answer OK", responseData is OK', () => {
		const responseMode =
			'={{$parameter["options"]["answerOk"] === "whenRunStarts" ? "responseNode" : "onReceived"}}';
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'GET', responseMode, responseData: 'OK', path: 'webhook' },
			{
				name: 'setup',
				httpMethod: 'POST',
				responseMode,
				responseData: 'OK',
				path: 'webhook',
				ndvHideUrl: true,
			},
		]);
		// n8n registers one route per entry; both map to the same URL.
		const node = { webhookId: 'abc-123', name: 'Verotel FlexPay Trigger' } as INode;
		const paths = description.webhooks!.map((w) =>
			NodeHelpers.getNodeWebhookPath('wf1', node, w.path as string),
		);
		expect(paths).toEqual(['abc-123/webhook', 'abc-123/webhook']);
	});

	it('has an execute() (n8n runs it inside the stored execution) besides webhook()', () => {
		expect(typeof trigger.webhook).toBe('function');
		expect(typeof trigger.execute).toBe('function');
	});

	it('webhookMethods: a complete no-op lifecycle for the default webhook', async () => {
		expect(Object.keys(trigger.webhookMethods)).toEqual(['default']);
		expect(Object.keys(trigger.webhookMethods.default).sort()).toEqual([
			'checkExists',
			'create',
			'delete',
		]);
	});

	it('tells the user which URL to paste where, and how test listening works', () => {
		const notice = description.properties.find((p) => p.type === 'notice');
		expect(notice?.displayName).toMatch(/production URL/);
		expect(notice?.displayName).toMatch(/Flexpay postback script URL/);
		const panel = JSON.stringify(description.triggerPanel);
		expect(panel).toMatch(/test URL/);
		expect(panel).toMatch(/one call/);
		expect(panel).toMatch(/signature only covers the query/);
		expect(description.activationMessage).toMatch(/production URL/);
	});

	it('options and their defaults', () => {
		expect(option('allowSha1')).toMatchObject({
			type: 'boolean',
			default: true,
			displayName: 'Accept Legacy SHA-1 Signatures',
		});
		expect(option('fetchSaleDetails')).toMatchObject({ type: 'boolean', default: false });
		expect(option('grantOnlyWhenConfirmed')).toMatchObject({
			type: 'boolean',
			default: false,
			displayName: 'Grant Access Only When Confirmed',
		});
		expect(option('grantOnlyWhenConfirmed').description).toMatch(/Turns on Fetch Sale Details/);
		// The option implies the lookup: on its own it could only hold back every grant.
		expect(resolveOptions({ grantOnlyWhenConfirmed: true })).toMatchObject({
			grantOnlyWhenConfirmed: true,
			fetchSaleDetails: true,
		});
		expect(
			resolveOptions({ grantOnlyWhenConfirmed: true, fetchSaleDetails: false }).fetchSaleDetails,
		).toBe(true);
		expect(option('ignoreRepeats')).toMatchObject({ type: 'boolean', default: true });
		expect(option('runTestPostbacks')).toMatchObject({
			type: 'boolean',
			default: false,
			displayName: 'Run Test Postbacks on the Production URL',
		});
		const answerOk = option('answerOk');
		expect(answerOk).toMatchObject({
			type: 'options',
			default: 'whenStored',
			displayName: 'Answer OK',
		});
		expect((answerOk.options as Array<{ value: string }>).map((o) => o.value)).toEqual([
			'whenStored',
			'whenRunStarts',
		]);
		const events = option('events');
		expect(events.type).toBe('multiOptions');
		// The literal default (the linter wants a literal) equals every offered value.
		expect([...(events.default as string[])].sort()).toEqual([...ALL_EVENTS].sort());
		expect(events.options).toBe(EVENT_OPTIONS);
		// Every event the protocol core knows is offered, plus "other".
		expect([...ALL_EVENTS].sort()).toEqual([...POSTBACK_EVENTS, 'other'].sort());
		// Not adding an option means its default.
		expect(resolveOptions({})).toEqual({
			answerOk: 'whenStored',
			events: ALL_EVENTS,
			fetchSaleDetails: false,
			grantOnlyWhenConfirmed: false,
			ignoreRepeats: true,
			allowSha1: true,
			runTestPostbacks: false,
		});
		expect(resolveOptions({ answerOk: 'whenRunStarts' }).answerOk).toBe('whenRunStarts');
		// Anything else (a value from a newer version, a typo) keeps n8n's answer.
		expect(resolveOptions({ answerOk: 'sometimes' }).answerOk).toBe('whenStored');
	});

	it('codex file and package registration', () => {
		const codex = JSON.parse(
			readFileSync(join(nodeDir, 'VerotelFlexPayTrigger.node.json'), 'utf8'),
		);
		const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
		expect(codex.node).toBe(`${pkg.name}.verotelFlexPayTrigger`);
		expect(codex.categories).toEqual(['Finance & Accounting']);
		expect(codex.alias).toEqual(
			expect.arrayContaining([
				'payment',
				'postback',
				'verotel',
				'flexpay',
				'sale',
				'refund',
				'chargeback',
			]),
		);
		expect(codex.resources.primaryDocumentation[0].url).toMatch(
			/^https:\/\/.*#verotel-flexpay-trigger$/,
		);
		expect(pkg.n8n.nodes).toContain(
			'dist/nodes/VerotelFlexPayTrigger/VerotelFlexPayTrigger.node.js',
		);
	});
});
