/**
 * Issue 18, "Only a sale counts": every operation that takes a Sale ID,
 * Preceding Sale ID or Reference ID refuses a number that cannot be that ID
 * exactly (past 2^53 it was rounded when its JSON was read: 12345678901234567891
 * arrives as 12345678901234567000, another sale), and NaN, Infinity, negative
 * or fractional numbers, booleans; before any request, naming the field.
 * Whole numbers up to 2^53 - 1 keep working.
 */
import { NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { queryOf } from '../helpers/payment-links';
import { findSecret } from '../helpers/secret-scan';

const node = new VerotelFlexPay();

/** What n8n holds after reading `{"saleID": 12345678901234567891}`: the rounded number 12345678901234567000. */
const ROUNDED = JSON.parse('12345678901234567891') as number;
const ROUNDED_TEXT = '12345678901234567000';

/** Numbers that are no ID, with how the message shows them. */
const NOT_AN_ID: Array<[string, unknown, RegExp]> = [
	[
		'a number past 2^53 (rounded)',
		ROUNDED,
		/is the number 12345678901234567000, larger than 9007199254740991: its last digits were rounded/,
	],
	['NaN', Number.NaN, /is the number NaN, which is not an ID/],
	['Infinity', Number.POSITIVE_INFINITY, /is the number Infinity, which is not an ID/],
	['a negative number', -433456, /is the number -433456, which is not an ID/],
	['a fractional number', 4334.56, /is the number 4334\.56, which is not an ID/],
	['a boolean', true, /must be text, got boolean/],
];

async function refusal(
	context: ReturnType<typeof createExecuteContext>['context'],
): Promise<NodeOperationError> {
	const error = (await node.execute.call(context).catch((e: unknown) => e)) as NodeOperationError;
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(error.context.itemIndex).toBe(0);
	expect(findSecret(error, TEST_SIGNATURE_KEY)).toEqual([]);
	return error;
}

/** The fix the description gives for a rounded number: text with every digit, not String() of the number. */
const AS_TEXT = /Pass \w+ as text/;

describe('Sale -> Get Status: the ID asked about is the ID given', () => {
	function status(parameters: Record<string, unknown>) {
		return createExecuteContext({
			parameters: {
				resource: 'sale',
				operation: 'getStatus',
				lookUpBy: 'saleID',
				options: {},
				...parameters,
			},
			httpRequestWithAuthentication: jest
				.fn()
				.mockResolvedValue({ statusCode: 200, headers: {}, body: 'response: NOTFOUND\n' }),
		});
	}

	it.each(NOT_AN_ID)(
		'refuses %s as Sale ID before any request',
		async (_label, saleID, message) => {
			const { context, httpRequestWithAuthentication } = status({ saleID });
			const error = await refusal(context);
			expect(error.message).toMatch(/^saleID /);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Sale ID\. /);
			expect(error.description).toMatch(saleID === true ? /as text/ : AS_TEXT);
			expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
		},
	);

	it('a rounded Sale ID: the description says where the exact text comes from, and that String() does not help', async () => {
		const error = await refusal(status({ saleID: ROUNDED }).context);
		expect(error.description).toBe(
			'Parameter: Sale ID. Pass saleID as text with all its digits, e.g. {{ $json.saleID }} of the Verotel FlexPay Trigger (always text) or a string field of the item; String() of the number keeps the rounded digits.',
		);
	});

	it.each(NOT_AN_ID)(
		'refuses %s as Reference ID before any request',
		async (_label, referenceID, message) => {
			const { context, httpRequestWithAuthentication } = status({
				lookUpBy: 'referenceID',
				referenceID,
			});
			const error = await refusal(context);
			expect(error.message).toMatch(/^referenceID /);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Reference ID\. /);
			expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
		},
	);

	it('keeps whole numbers up to 2^53 - 1 working, as their digits', async () => {
		const bySale = status({ saleID: 433456 });
		await node.execute.call(bySale.context);
		expect(bySale.httpRequestWithAuthentication.mock.calls[0][1].qs).toEqual({ saleID: '433456' });
		const byReference = status({ lookUpBy: 'referenceID', referenceID: Number.MAX_SAFE_INTEGER });
		await node.execute.call(byReference.context);
		expect(byReference.httpRequestWithAuthentication.mock.calls[0][1].qs).toEqual({
			referenceID: '9007199254740991',
		});
	});

	it('a 20-digit Sale ID as text is asked about exactly', async () => {
		const { context, httpRequestWithAuthentication } = status({ saleID: '12345678901234567891' });
		await node.execute.call(context);
		expect(httpRequestWithAuthentication.mock.calls[0][1].qs).toEqual({
			saleID: '12345678901234567891',
		});
	});

	it('with Continue On Fail, a rounded ID becomes an error item and the next item is asked about', async () => {
		const httpRequestWithAuthentication = jest
			.fn()
			.mockResolvedValue({ statusCode: 200, headers: {}, body: 'response: NOTFOUND\n' });
		const ids = [ROUNDED, '433456'];
		const { context } = createExecuteContext({
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }],
			parameters: {
				resource: 'sale',
				operation: 'getStatus',
				lookUpBy: 'saleID',
				saleID: (i: number) => ids[i],
				options: {},
			},
			httpRequestWithAuthentication,
		});
		const output = await node.execute.call(context);
		expect(jsonOf(output)[0].error).toMatch(/^saleID is the number 12345678901234567000/);
		expect(jsonOf(output)[1]).toEqual({ found: false, response: 'NOTFOUND', saleID: '433456' });
		expect(httpRequestWithAuthentication).toHaveBeenCalledTimes(1);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Payment Link operations: the ID signed is the ID given', () => {
	const subscriptionTerms = {
		amount: '29.99',
		currency: 'EUR',
		subscriptionType: 'recurring',
		period: 'P1M',
	};

	function link(operation: string, parameters: Record<string, unknown>) {
		return createExecuteContext({
			parameters: { resource: 'paymentLink', operation, additionalFields: {}, ...parameters },
		}).context;
	}

	it.each(NOT_AN_ID)(
		'Create Cancel Subscription URL refuses %s as Sale ID',
		async (_label, saleID, message) => {
			const error = await refusal(link('createCancelSubscriptionUrl', { saleID }));
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Sale ID\. /);
		},
	);

	it.each(NOT_AN_ID)(
		'Create Upgrade Subscription URL refuses %s as Preceding Sale ID',
		async (_label, precedingSaleID, message) => {
			const error = await refusal(
				link('createUpgradeSubscriptionUrl', { precedingSaleID, ...subscriptionTerms }),
			);
			expect(error.message).toMatch(/^precedingSaleID /);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Preceding Sale ID\. /);
		},
	);

	it.each([
		[
			'Create Purchase URL',
			'createPurchaseUrl',
			{ amount: '9.99', currency: 'EUR', description: 'Video' },
		],
		['Create Subscription URL', 'createSubscriptionUrl', subscriptionTerms],
	])(
		'%s refuses a rounded or fractional number as Reference ID',
		async (_label, operation, parameters) => {
			for (const [referenceID, message] of [
				[ROUNDED, /^referenceID is the number 12345678901234567000, larger than 9007199254740991/],
				[10.5, /^referenceID is the number 10\.5, which is not an ID/],
			] as const) {
				const error = await refusal(
					link(operation, { ...parameters, additionalFields: { referenceID } }),
				);
				expect(error.message).toMatch(message);
				expect(error.description).toMatch(/^Parameter: Reference ID\. Pass referenceID as text/);
			}
		},
	);

	it('keeps whole numbers working: Sale ID, Preceding Sale ID and Reference ID 433456 are signed as "433456"', async () => {
		const [cancel] = jsonOf(
			await node.execute.call(link('createCancelSubscriptionUrl', { saleID: 433456 })),
		);
		expect(queryOf(cancel.url as string).params.saleID).toBe('433456');
		const [upgrade] = jsonOf(
			await node.execute.call(
				link('createUpgradeSubscriptionUrl', { precedingSaleID: 433456, ...subscriptionTerms }),
			),
		);
		expect(queryOf(upgrade.url as string).params.precedingSaleID).toBe('433456');
		const [purchase] = jsonOf(
			await node.execute.call(
				link('createPurchaseUrl', {
					amount: '9.99',
					currency: 'EUR',
					description: 'Video',
					additionalFields: { referenceID: 433456 },
				}),
			),
		);
		expect(queryOf(purchase.url as string).params.referenceID).toBe('433456');
	});

	it('a Sale ID of more than 20 digits is no Verotel ID (the same rule as Subscription -> Cancel)', async () => {
		const error = await refusal(link('createCancelSubscriptionUrl', { saleID: '1'.repeat(21) }));
		expect(error.message).toBe(`saleID "${'1'.repeat(21)}" is not a numeric Verotel ID`);
		expect(error.description).toMatch(/1 to 20 digits/);
	});
});

describe('Postback -> Send Test Postback: the IDs sent are the IDs given', () => {
	function testPostback(options: Record<string, unknown>) {
		const { context } = createExecuteContext({
			parameters: {
				resource: 'postback',
				operation: 'sendTestPostback',
				url: 'http://127.0.0.1:5678/webhook-test/8d0f2b4c-6e8a-4c1d-9f3b-7a9c1e3d5f01/webhook',
				event: 'purchase',
				options,
			},
		});
		context.helpers.httpRequest = jest
			.fn()
			.mockResolvedValue({ statusCode: 200, headers: {}, body: 'OK' });
		return context;
	}

	it.each(NOT_AN_ID)(
		'refuses %s as Sale ID before anything is sent',
		async (_label, saleID, message) => {
			const context = testPostback({ saleID });
			const error = await refusal(context);
			expect(error.message).toMatch(/^saleID /);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Sale ID\. /);
			expect(context.helpers.httpRequest).not.toHaveBeenCalled();
		},
	);

	it.each(NOT_AN_ID)(
		'refuses %s as Reference ID before anything is sent',
		async (_label, referenceID, message) => {
			const context = testPostback({ referenceID });
			const error = await refusal(context);
			expect(error.message).toMatch(/^referenceID /);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Reference ID\. /);
			expect(context.helpers.httpRequest).not.toHaveBeenCalled();
		},
	);

	it('keeps whole numbers working: Sale ID 433456 is sent as "433456"', async () => {
		const context = testPostback({ saleID: 433456, referenceID: 1001 });
		const [json] = jsonOf(await node.execute.call(context));
		expect(json).toMatchObject({ saleID: '433456', ok: true });
		expect(json.params).toMatchObject({ saleID: '433456', referenceID: '1001' });
	});

	it(`sends a 20-digit Sale ID given as text exactly, never as ${ROUNDED_TEXT}`, async () => {
		const context = testPostback({ saleID: '12345678901234567891' });
		const [json] = jsonOf(await node.execute.call(context));
		expect(json.saleID).toBe('12345678901234567891');
		expect((context.helpers.httpRequest as jest.Mock).mock.calls[0][0].url).toContain(
			'saleID=12345678901234567891&',
		);
	});
});
