/**
 * No Payment Link operation outputs the signature key.
 */
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext } from '../helpers/action-context';
import { findSecret } from '../helpers/secret-scan';

const node = new VerotelFlexPay();

describe('Payment Link outputs never contain the signature key', () => {
	it.each([
		'createPurchaseUrl',
		'createSubscriptionUrl',
		'createUpgradeSubscriptionUrl',
		'createCancelSubscriptionUrl',
	])('%s', async (operation) => {
		const { context } = createExecuteContext({
			parameters: {
				resource: 'paymentLink',
				operation,
				amount: '10',
				currency: 'EUR',
				description: 'd',
				subscriptionType: 'recurring',
				period: 'P1M',
				precedingSaleID: '1',
				saleID: '2',
				additionalFields: { custom1: 'c' },
			},
		});
		const output = await node.execute.call(context);
		expect(output[0]).toHaveLength(1);
		expect(findSecret(output, TEST_SIGNATURE_KEY)).toEqual([]);
	});
});
