/**
 * Payment Link -> Create Purchase URL: the official protocol-4 vector byte for
 * byte, parameters per item, every refusal as a NodeOperationError that says
 * what and how to fix, and Continue On Fail.
 */
import { NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { referenceSignature } from '../helpers/flexpay-status-server';
import { CZECH, OFFICIAL, queryOf } from '../helpers/payment-links';
import { findSecret } from '../helpers/secret-scan';
import { V2_PURCHASE_ITEM } from '../fixtures/vectors';

const node = new VerotelFlexPay();

describe('Payment Link -> Create Purchase URL', () => {
	it('reproduces the official protocol-4 purchase vector (flexpay4j V2) byte for byte', async () => {
		const { context } = createExecuteContext({
			credentials: OFFICIAL,
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: '45.20',
				currency: 'EUR',
				description: CZECH,
				additionalFields: {
					paymentMethod: 'CC',
					referenceID: 'ref1',
					custom1: 'custom1',
					custom2: 'custom2',
					custom3: 'custom3',
					successURL: 'http://example.com/approve',
					declineURL: 'http://example.com/decline',
					email: 'foo@example.com',
				},
			},
		});
		const output = await node.execute.call(context);
		expect(output).toEqual([
			[
				{
					json: V2_PURCHASE_ITEM,
					pairedItem: { item: 0 },
				},
			],
		]);
	});

	it('evaluates parameters per item (expressions) and pairs every output with its item', async () => {
		const amounts = ['9.99', 12, '0.5'];
		const { context } = createExecuteContext({
			items: amounts.map((amount) => ({ json: { amount } })),
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: (i: number) => amounts[i],
				currency: 'usd',
				description: (i: number) => `Item ${i}`,
				additionalFields: {},
			},
		});
		const output = await node.execute.call(context);
		expect(output[0].map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		const json = jsonOf(output);
		expect(json.map((j) => j.priceAmount)).toEqual(['9.99', '12.00', '0.50']);
		expect(json.map((j) => j.priceCurrency)).toEqual(['USD', 'USD', 'USD']);
		for (const [i, item] of json.entries()) {
			const { signature, params } = queryOf(item.url as string);
			expect(params).toEqual({
				description: `Item ${i}`,
				priceAmount: item.priceAmount,
				priceCurrency: 'USD',
				shopID: TEST_SHOP_ID,
				type: 'purchase',
				version: '4',
			});
			expect(signature).toBe(referenceSignature(TEST_SIGNATURE_KEY, params));
			expect(item.signature).toBe(signature);
		}
	});

	it('signs one-click token and email unsigned, and accepts the iDEAL CPSP fields', async () => {
		const oneClick = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: '5',
				currency: 'EUR',
				description: 'Again',
				additionalFields: { paymentMethod: 'CC', oneClickToken: 'tok-123', email: 'a@b.example' },
			},
		});
		const [json] = jsonOf(await node.execute.call(oneClick.context));
		const { signature, params } = queryOf(json.url as string);
		expect(params).toMatchObject({ oneClickToken: 'tok-123', email: 'a@b.example' });
		const { oneClickToken: _t, email: _e, ...signed } = params;
		expect(signature).toBe(referenceSignature(TEST_SIGNATURE_KEY, signed));

		const ideal = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: '5',
				currency: 'EUR',
				description: 'CPSP',
				additionalFields: {
					paymentMethod: 'IDEAL',
					mcc: '5815',
					subCreditorName: 'Sub BV',
					subCreditorId: 'S-1',
					subCreditorCountry: 'NL',
				},
			},
		});
		const [idealJson] = jsonOf(await node.execute.call(ideal.context));
		const idealQuery = queryOf(idealJson.url as string);
		expect(idealQuery.params).toMatchObject({
			mcc: '5815',
			subCreditorName: 'Sub BV',
			subCreditorId: 'S-1',
			subCreditorCountry: 'NL',
		});
		expect(idealQuery.signature).toBe(referenceSignature(TEST_SIGNATURE_KEY, idealQuery.params));
	});

	it('uses the credential brand host', async () => {
		const { context } = createExecuteContext({
			credentials: { ...TEST_CREDENTIALS, brand: 'yoursafedirect' },
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: '1.00',
				currency: 'EUR',
				description: 'x',
				additionalFields: {},
			},
		});
		const [json] = jsonOf(await node.execute.call(context));
		expect(json.url).toMatch(/^https:\/\/secure\.yoursafedirect\.com\/startorder\?/);
	});

	it.each([
		[{ amount: '1.234,50' }, /comma as decimal separator/, /Parameter: Amount\. Use a dot/],
		[{ amount: '9.999' }, /not an amount in nnn\.nn format/, /Parameter: Amount/],
		[{ currency: 'JPY' }, /not a FlexPay currency/, /Parameter: Currency\. Use one of USD/],
		[{ description: '' }, /description is required/, /Parameter: Description/],
		[{ description: 'x'.repeat(101) }, /at most 100/, /Shorten description/],
		[
			{ additionalFields: { oneClickToken: 't' } },
			/needs paymentMethod CC/,
			/Parameter: One-Click Token/,
		],
		[{ additionalFields: { mcc: '5815' } }, /iDEAL/, /Parameter: MCC/],
		[
			{ additionalFields: { successURL: 'shop/thanks' } },
			/not an absolute URL/,
			/Parameter: Success URL/,
		],
		[{ additionalFields: { email: 'nope' } }, /not an e-mail address/, /Parameter: Email/],
		[
			{ additionalFields: { paymentMethod: 'DDEU' }, currency: 'USD' },
			/only possible in EUR/,
			/Parameter: Currency/,
		],
	])(
		'refuses %j with a NodeOperationError saying what and how to fix',
		async (override, message, description) => {
			const { context } = createExecuteContext({
				parameters: {
					resource: 'paymentLink',
					operation: 'createPurchaseUrl',
					amount: '9.99',
					currency: 'EUR',
					description: 'ok',
					additionalFields: {},
					...override,
				},
			});
			const error = (await node.execute
				.call(context)
				.catch((e: unknown) => e)) as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(description);
			expect(error.context.itemIndex).toBe(0);
			expect(findSecret(error, TEST_SIGNATURE_KEY)).toEqual([]);
		},
	);

	it('reports a broken credential as a NodeOperationError that names the credential field', async () => {
		const { context } = createExecuteContext({
			credentials: { ...TEST_CREDENTIALS, shopId: 'abc' },
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: '1',
				currency: 'EUR',
				description: 'x',
				additionalFields: {},
			},
		});
		const error = (await node.execute.call(context).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/not a numeric website ID/);
		expect(error.description).toMatch(/Shop ID \(credential\)/);
	});

	it('with Continue On Fail, emits an error item for the bad item and keeps going', async () => {
		const amounts = ['1.00', 'abc', '3.00'];
		const { context } = createExecuteContext({
			continueOnFail: true,
			items: amounts.map(() => ({ json: {} })),
			parameters: {
				resource: 'paymentLink',
				operation: 'createPurchaseUrl',
				amount: (i: number) => amounts[i],
				currency: 'EUR',
				description: 'x',
				additionalFields: {},
			},
		});
		const output = await node.execute.call(context);
		expect(output[0]).toHaveLength(3);
		expect(output[0][1]).toEqual({
			json: { error: 'priceAmount "abc" is not an amount in nnn.nn format' },
			// The error object on the item routes it to the error output and carries the fix.
			error: expect.any(NodeOperationError),
			pairedItem: { item: 1 },
		});
		expect(output[0][1].error?.description).toBe(
			'Parameter: Amount. Use digits with an optional dot and up to two decimals, e.g. 9.99.',
		);
		expect(output[0][1].error?.context.itemIndex).toBe(1);
		expect(output[0][0].json.priceAmount).toBe('1.00');
		expect(output[0][2].json.priceAmount).toBe('3.00');
		expect(output[0][2].pairedItem).toEqual({ item: 2 });
	});
});
