/**
 * Inputs that used to slip through the action node or fail without naming a
 * field: broken Unicode, amounts that are not a price, values that would
 * forge a parameter boundary in the signature, and credential values that
 * must never be quoted back.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_CREDENTIALS, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { findSecret } from '../helpers/secret-scan';

const node = new VerotelFlexPay();
const CUT_EMOJI = 'Premium video 😀'.slice(0, -1);

function purchase(
	overrides: Record<string, unknown>,
	extra: { continueOnFail?: boolean; items?: number; credentials?: Record<string, unknown> } = {},
) {
	return createExecuteContext({
		continueOnFail: extra.continueOnFail,
		items: Array.from({ length: extra.items ?? 1 }, () => ({ json: {} })),
		...(extra.credentials ? { credentials: extra.credentials as never } : {}),
		parameters: {
			resource: 'paymentLink',
			operation: 'createPurchaseUrl',
			amount: '9.99',
			currency: 'EUR',
			description: 'Video',
			additionalFields: {},
			...overrides,
		},
	}).context;
}

async function nodeError(context: ReturnType<typeof purchase>): Promise<NodeOperationError> {
	const error = (await node.execute.call(context).catch((e: unknown) => e)) as NodeOperationError;
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(findSecret(error, TEST_SIGNATURE_KEY)).toEqual([]);
	return error;
}

describe('Create Purchase URL: text that is not well-formed Unicode', () => {
	it('a description cut inside an emoji is a field error with item index, not "URI malformed"', async () => {
		const error = await nodeError(purchase({ description: CUT_EMOJI }));
		expect(error.message).toBe(
			'description contains a broken character (half of an emoji or other symbol)',
		);
		expect(error.message).not.toMatch(/URI malformed/);
		expect(error.description).toMatch(/^Parameter: Description\. .*Array\.from/);
		expect(error.context.itemIndex).toBe(0);
	});

	it('names the field for any string field, e.g. Custom 2 and Success URL', async () => {
		const custom = await nodeError(purchase({ additionalFields: { custom2: CUT_EMOJI } }));
		expect(custom.description).toMatch(/^Parameter: Custom 2\./);
		const url = await nodeError(
			purchase({ additionalFields: { successURL: `https://shop.example/${CUT_EMOJI}` } }),
		);
		expect(url.description).toMatch(/^Parameter: Success URL\./);
	});

	it('with Continue On Fail, the broken item becomes an error item and the others go on', async () => {
		const descriptions = ['Ok', CUT_EMOJI, 'Also ok'];
		const context = purchase(
			{ description: (i: number) => descriptions[i] },
			{ continueOnFail: true, items: 3 },
		);
		const output = await node.execute.call(context);
		expect(output[0]).toHaveLength(3);
		expect(output[0][1].json).toEqual({
			error: 'description contains a broken character (half of an emoji or other symbol)',
		});
		expect(output[0][1].error).toBeInstanceOf(NodeOperationError);
		expect(output[0][1].error?.context.itemIndex).toBe(1);
		expect(output[0][1].error?.description).toMatch(/^Parameter: Description\./);
		expect(output[0][2].json.description).toBe('Also ok');
	});
});

describe('Create Purchase URL: the amount is a price', () => {
	it.each([
		['true', true, /must be an amount, got true/],
		['0', 0, /must be more than 0\.00/],
		['"0.00"', '0.00', /must be more than 0\.00/],
		['1e-9', 1e-9, /more than two decimals/],
	])('refuses %s with a field error', async (_label, amount, message) => {
		const error = await nodeError(purchase({ amount }));
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(/^Parameter: Amount\. .*9\.99/);
		expect(error.context.itemIndex).toBe(0);
	});

	it('with Continue On Fail, a zero amount becomes an error item on its own index', async () => {
		const amounts = ['1.00', 0, '3.00'];
		const output = await node.execute.call(
			purchase({ amount: (i: number) => amounts[i] }, { continueOnFail: true, items: 3 }),
		);
		expect(output[0][1].json).toEqual({ error: 'priceAmount must be more than 0.00' });
		expect(output[0][1].error?.context.itemIndex).toBe(1);
		expect(output[0][0].json.priceAmount).toBe('1.00');
		expect(output[0][2].json.priceAmount).toBe('3.00');
	});

	it('a subscription trial of 0 is refused naming Trial Amount', async () => {
		const { context } = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createSubscriptionUrl',
				amount: '29.99',
				currency: 'EUR',
				subscriptionType: 'recurring',
				period: 'P1M',
				additionalFields: { trialAmount: '0', trialPeriod: 'P3D' },
			},
		});
		const error = await nodeError(context);
		expect(error.description).toMatch(/^Parameter: Trial Amount\./);
	});
});

describe('Create Purchase URL: values that would read as another signed parameter', () => {
	it('custom1 with ":event=" is refused naming Custom 1, with a hint; a success URL with a port is fine', async () => {
		const error = await nodeError(
			purchase({ additionalFields: { custom1: 'user-42:event=credit' } }),
		);
		expect(error.message).toMatch(/custom1 contains ":" followed by a name and "="/);
		expect(error.description).toMatch(/^Parameter: Custom 1\. Remove the ":" or the "="/);
		const [json] = jsonOf(
			await node.execute.call(
				purchase({ additionalFields: { successURL: 'https://x.example:8080/a?b=1' } }),
			),
		);
		expect(json.successURL).toBe('https://x.example:8080/a?b=1');
	});
});

describe('credential values are never quoted', () => {
	// What a signature key pasted into the wrong field looks like.
	const PASTED = 'Zq7PASTEDINTOSHOPIDxK4pV9mN2tR8';

	it.each([
		['Shop ID', { shopId: PASTED }, /Shop ID \(credential\)/],
		['Custom Base URL', { baseUrl: PASTED }, /Custom Base URL \(credential\)/],
		['Brand', { brand: PASTED }, /Brand \(credential\)/],
	])('a bad %s is named without its value', async (_label, override, description) => {
		const error = await nodeError(
			purchase({}, { credentials: { ...TEST_CREDENTIALS, ...override } }),
		);
		expect(error.description).toMatch(description);
		expect(findSecret(error, PASTED)).toEqual([]);
	});
});

describe('Sale -> Get Status: Verotel text in errors', () => {
	function status(body: string) {
		return createExecuteContext({
			parameters: {
				resource: 'sale',
				operation: 'getStatus',
				lookUpBy: 'saleID',
				saleID: '1',
				options: {},
			},
			httpRequestWithAuthentication: jest
				.fn()
				.mockResolvedValue({ statusCode: 200, headers: {}, body }),
		}).context;
	}

	it('a long error text is cut to 200 characters in the message', async () => {
		const error = (await node.execute
			.call(status(`response: ERROR\nerror: ${'Z'.repeat(5000)}\n`))
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			`The FlexPay status service refused the request: ${'Z'.repeat(199)}…`,
		);
	});

	it('an error text that echoes the signed request shows no signature', async () => {
		const signature = 'a1'.repeat(32);
		const error = (await node.execute
			.call(status(`response: ERROR\nerror: bad request saleID=1&signature=${signature}\n`))
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error.message).toBe(
			'The FlexPay status service refused the request: bad request saleID=1&signature=[redacted]',
		);
		expect(JSON.stringify(error)).not.toContain(signature);
	});

	it('an answer with two response lines is an error, not the last line’s result', async () => {
		const error = (await node.execute
			.call(status('response: ERROR\nresponse: FOUND\nsaleID: 1\n'))
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/more than one "response" line/);
		expect(error.context.itemIndex).toBe(0);
	});
});
