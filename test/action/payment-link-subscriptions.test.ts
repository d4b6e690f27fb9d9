/**
 * Payment Link -> Create Subscription URL, Create Upgrade Subscription URL
 * (the official V3 vector byte for byte) and Create Cancel Subscription URL.
 */
import { NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { referenceSignature } from '../helpers/flexpay-status-server';
import { CZECH, OFFICIAL, queryOf, V3_URL } from '../helpers/payment-links';

const node = new VerotelFlexPay();

describe('Payment Link -> Create Subscription URL', () => {
	it('builds a signed subscription URL with all fields', async () => {
		const { context } = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createSubscriptionUrl',
				amount: '29.99',
				currency: 'GBP',
				subscriptionType: 'recurring',
				period: 'P1M',
				additionalFields: {
					name: 'Gold membership',
					trialAmount: '0.99',
					trialPeriod: 'P3D',
					referenceID: 'sub-1',
					paymentMethod: 'CC',
					successURL: 'https://shop.example/ok',
					custom1: 'u-42',
				},
			},
		});
		const [json] = jsonOf(await node.execute.call(context));
		const { signature, params } = queryOf(json.url as string);
		expect(params).toEqual({
			custom1: 'u-42',
			name: 'Gold membership',
			paymentMethod: 'CC',
			period: 'P1M',
			priceAmount: '29.99',
			priceCurrency: 'GBP',
			referenceID: 'sub-1',
			shopID: TEST_SHOP_ID,
			subscriptionType: 'recurring',
			successURL: 'https://shop.example/ok',
			trialAmount: '0.99',
			trialPeriod: 'P3D',
			type: 'subscription',
			version: '4',
		});
		expect(signature).toBe(referenceSignature(TEST_SIGNATURE_KEY, params));
		expect(json).toEqual({ url: json.url, ...params, signature });
	});

	it.each([['0'], ['0.00'], ['00.00']])(
		'refuses a subscription price of %s: a link the buyer pays must charge something',
		async (amount) => {
			const { context } = createExecuteContext({
				parameters: {
					resource: 'paymentLink',
					operation: 'createSubscriptionUrl',
					amount,
					currency: 'EUR',
					subscriptionType: 'recurring',
					period: 'P30D',
					additionalFields: {},
				},
			});
			await expect(node.execute.call(context)).rejects.toThrow(
				/priceAmount must be more than 0\.00/,
			);
		},
	);

	it('refuses a recurring period under 7 days', async () => {
		const { context } = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createSubscriptionUrl',
				amount: '1',
				currency: 'EUR',
				subscriptionType: 'recurring',
				period: 'P3D',
				additionalFields: {},
			},
		});
		await expect(node.execute.call(context)).rejects.toThrow(/shorter than the minimum of 7 days/);
	});
});

describe('Payment Link -> Create Upgrade Subscription URL', () => {
	it('reproduces the official upgrade vector (flexpay4j V3) byte for byte', async () => {
		const { context } = createExecuteContext({
			credentials: OFFICIAL,
			parameters: {
				resource: 'paymentLink',
				operation: 'createUpgradeSubscriptionUrl',
				precedingSaleID: '433456',
				amount: '00.00',
				currency: 'USD',
				subscriptionType: 'recurring',
				period: 'P1M',
				additionalFields: {
					custom1: 'custom1 value',
					name: CZECH,
					successURL: 'http://successURL.test',
					trialAmount: '0.01',
					trialPeriod: 'P3D',
				},
			},
		});
		const [json] = jsonOf(await node.execute.call(context));
		expect(json.url).toBe(V3_URL);
		expect(json.signature).toBe('cc4da94d214a4eb64a3f7affa3c39d168a9163c020f9caacca9bfd7498e33abc');
		expect(json.type).toBe('upgradesubscription');
	});

	it('passes the upgrade option and refuses a non-numeric preceding sale', async () => {
		const ok = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createUpgradeSubscriptionUrl',
				precedingSaleID: '12',
				amount: '5',
				currency: 'EUR',
				subscriptionType: 'one-time',
				period: 'P30D',
				additionalFields: { upgradeOption: 'lost' },
			},
		});
		const [json] = jsonOf(await node.execute.call(ok.context));
		expect(json.upgradeOption).toBe('lost');
		const bad = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createUpgradeSubscriptionUrl',
				precedingSaleID: 'S-12',
				amount: '5',
				currency: 'EUR',
				subscriptionType: 'one-time',
				period: 'P30D',
				additionalFields: {},
			},
		});
		const error = (await node.execute
			.call(bad.context)
			.catch((e: unknown) => e)) as NodeOperationError;
		expect(error.message).toMatch(/not a numeric Verotel ID/);
		expect(error.description).toMatch(/Parameter: Preceding Sale ID/);
	});
});

describe('Payment Link -> Create Cancel Subscription URL', () => {
	it('builds the signed cancel-subscription page URL', async () => {
		const { context } = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation: 'createCancelSubscriptionUrl',
				saleID: '433456',
			},
		});
		const [json] = jsonOf(await node.execute.call(context));
		const signature = referenceSignature(TEST_SIGNATURE_KEY, {
			saleID: '433456',
			shopID: TEST_SHOP_ID,
			version: '4',
		});
		expect(json).toEqual({
			url: `https://secure.verotel.com/cancel-subscription?saleID=433456&shopID=${TEST_SHOP_ID}&version=4&signature=${signature}`,
			saleID: '433456',
			shopID: TEST_SHOP_ID,
			version: '4',
			signature,
		});
	});
});
