/**
 * The node as an AI agent tool (issue 18). n8n's community lint requires
 * `usableAsTool` to be declared (@n8n/community-nodes/node-usable-as-tool:
 * "Node class should have usableAsTool property") and n8n-workflow types it as
 * `true | UsableAsToolDescription`, so it stays `true`; instead the node
 * refuses, when n8n runs it as a tool (its type name ends in `Tool`, the test
 * n8n-workflow's `@tool` display condition uses), the two operations with
 * effects outside the workflow: Send Test Postback (a validly signed postback
 * a trigger may grant goods for) and Subscription -> Cancel (billing). The
 * others only build or check links and read a sale.
 */
import { NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { createExecuteContext, jsonOf, TEST_NODE } from '../helpers/action-context';

const node = new VerotelFlexPay();
const TRIGGER_URL = 'http://127.0.0.1:5678/webhook/8d0f2b4c-6e8a-4c1d-9f3b-7a9c1e3d5f01/webhook';

/** A context whose node is the tool variant n8n derives from this node (or the node itself). */
function context(
	parameters: Record<string, unknown>,
	options: { asTool: boolean; continueOnFail?: boolean; items?: number },
) {
	const created = createExecuteContext({
		parameters,
		continueOnFail: options.continueOnFail,
		items: Array.from({ length: options.items ?? 1 }, () => ({ json: {} })),
		httpRequestWithAuthentication: jest
			.fn()
			.mockResolvedValue({ statusCode: 200, headers: {}, body: 'response: NOTFOUND\n' }),
	});
	created.context.getNode.mockReturnValue(
		options.asTool ? { ...TEST_NODE, type: `${TEST_NODE.type}Tool` } : TEST_NODE,
	);
	created.context.helpers.httpRequest = jest
		.fn()
		.mockResolvedValue({ statusCode: 200, headers: {}, body: 'OK' });
	return created;
}

const sendTestPostback = {
	resource: 'postback',
	operation: 'sendTestPostback',
	url: TRIGGER_URL,
	event: 'purchase',
	options: {},
};
const cancel = { resource: 'subscription', operation: 'cancel', saleID: '433456' };

describe('Verotel FlexPay as an AI agent tool', () => {
	it('declares usableAsTool, as the community lint requires (n8n allows only true there)', () => {
		expect(node.description.usableAsTool).toBe(true);
	});

	it.each([
		['Postback -> Send Test Postback', sendTestPostback],
		['Subscription -> Cancel', cancel],
	])(
		'refuses %s as a tool, before any credential is read or request is sent',
		async (label, parameters) => {
			const { context: ctx, httpRequestWithAuthentication } = context(parameters, { asTool: true });
			const error = (await node.execute.call(ctx).catch((e: unknown) => e)) as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(`${label} cannot run as an AI agent tool`);
			expect(error.description).toMatch(
				/Use a regular Verotel FlexPay node in the workflow for this operation/,
			);
			expect(error.context.itemIndex).toBe(0);
			expect(ctx.getCredentials).not.toHaveBeenCalled();
			expect(ctx.helpers.httpRequest).not.toHaveBeenCalled();
			expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
		},
	);

	it('with Continue On Fail, every item becomes an error item, paired, and nothing is sent', async () => {
		const { context: ctx } = context(sendTestPostback, {
			asTool: true,
			continueOnFail: true,
			items: 2,
		});
		const output = await node.execute.call(ctx);
		expect(jsonOf(output)).toEqual([
			{ error: 'Postback -> Send Test Postback cannot run as an AI agent tool' },
			{ error: 'Postback -> Send Test Postback cannot run as an AI agent tool' },
		]);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(ctx.helpers.httpRequest).not.toHaveBeenCalled();
	});

	it('keeps the operations without effects outside the workflow usable as a tool', async () => {
		const purchase = context(
			{
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: '9.99',
				currency: 'EUR',
				description: 'Video',
				additionalFields: {},
			},
			{ asTool: true },
		);
		expect(jsonOf(await node.execute.call(purchase.context))[0].url).toMatch(
			/^https:\/\/secure\.verotel\.com\/startorder\?/,
		);
		const status = context(
			{
				resource: 'sale',
				operation: 'getStatus',
				lookUpBy: 'saleID',
				saleID: '433456',
				options: {},
			},
			{ asTool: true },
		);
		expect(jsonOf(await node.execute.call(status.context))).toEqual([
			{ found: false, response: 'NOTFOUND', saleID: '433456' },
		]);
	});

	it('as a regular node, Send Test Postback still sends', async () => {
		const { context: ctx } = context(sendTestPostback, { asTool: false });
		expect(jsonOf(await node.execute.call(ctx))[0]).toMatchObject({ ok: true, statusCode: 200 });
		expect(ctx.helpers.httpRequest).toHaveBeenCalledTimes(1);
	});
});
