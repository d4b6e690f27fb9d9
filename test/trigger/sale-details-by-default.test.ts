/**
 * Node version 2 looks every sale up unless "Fetch Sale Details" is turned off,
 * so the buyer's e-mail arrives on the first try; version 1 keeps its default
 * (off). A test postback gets a clearly marked sample sale instead of a status
 * request (Verotel knows no such sale), with the e-mail its sender gave.
 */
import nock from 'nock';

import { buildSamplePostback, SAMPLE_BUYER_EMAIL } from '../../lib';
import { foundBody, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { deliverAndExecute } from './delivery';
import { outputItemOf } from './execute-harness';
import { PURCHASE, signedQuery } from './fixtures';
import { HOST, PURCHASE_SALE, realHttp } from './sale-lookup';
import { forgetTriggerState } from './webhook-harness';

beforeAll(() => nock.disableNetConnect());
beforeEach(forgetTriggerState);
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const SHOP = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

async function deliver(typeVersion: number, options = {}, query = signedQuery(PURCHASE)) {
	const delivery = await deliverAndExecute({
		query,
		options,
		typeVersion,
		httpRequestWithAuthentication: realHttp(),
	});
	return { ...delivery, item: outputItemOf(delivery.output) };
}

describe('Fetch Sale Details by node version', () => {
	it('version 2 without options looks the sale up: the e-mail is in the item', async () => {
		const scope = nock(HOST).get('/salestatus').query(true).reply(200, foundBody(PURCHASE_SALE));
		const { item } = await deliver(2);
		expect(scope.isDone()).toBe(true);
		expect(item.saleLookup).toEqual({ ok: true, response: 'FOUND', httpStatus: 200 });
		expect((item.sale as { email?: string }).email).toBe('buyer@example.com');
		expect(item.confirmed).toBe(true);
	});

	it('version 2 with the option turned off makes no request', async () => {
		const { item } = await deliver(2, { fetchSaleDetails: false });
		expect(item).not.toHaveProperty('sale');
		expect(item).not.toHaveProperty('saleLookup');
	});

	it('version 1 keeps its default: no request unless the option is on', async () => {
		const { item } = await deliver(1);
		expect(item).not.toHaveProperty('sale');
		const scope = nock(HOST).get('/salestatus').query(true).reply(200, foundBody(PURCHASE_SALE));
		const on = await deliver(1, { fetchSaleDetails: true });
		expect(scope.isDone()).toBe(true);
		expect(on.item.saleLookup).toMatchObject({ ok: true, response: 'FOUND' });
	});
});

describe('a test postback gets a sample sale', () => {
	const testPostback = (buyerEmail?: string) =>
		buildSamplePostback(SHOP, { event: 'purchase', saleID: '7123456', buyerEmail }).query;

	it('marked as a sample, with the e-mail its sender gave, and no request to Verotel', async () => {
		// nock has no interceptor: any request would fail the lookup.
		const { item } = await deliver(2, { runTestPostbacks: true }, testPostback('me@shop.example'));
		expect(item.test).toBe(true);
		expect(item.saleLookup).toEqual({ ok: true, response: 'FOUND', sample: true });
		expect(item.sale).toMatchObject({
			sample: true,
			found: true,
			saleID: '7123456',
			shopID: TEST_SHOP_ID,
			saleResult: 'APPROVED',
			email: 'me@shop.example',
			priceAmount: '9.99',
			amount: 9.99,
			priceCurrency: 'EUR',
			billingAddress: { fullName: 'Sample Buyer (test postback)' },
		});
		// Never a confirmation: a sample proves no payment.
		expect(item.confirmed).toBe(false);
		expect(item.confirmation).toEqual({
			reason: 'A test postback: its sale is a sample, not asked of Verotel',
		});
	});

	it('without a given e-mail the sample sale names a placeholder address', async () => {
		const { item } = await deliver(2, { runTestPostbacks: true }, testPostback());
		expect((item.sale as { email?: string }).email).toBe(SAMPLE_BUYER_EMAIL);
	});

	it('Grant Access Only When Confirmed grants nothing for it', async () => {
		const { item } = await deliver(
			2,
			{ runTestPostbacks: true, grantOnlyWhenConfirmed: true },
			testPostback('me@shop.example'),
		);
		expect(item.access).toEqual({
			action: 'none',
			saleID: '7123456',
			withheld: 'grant',
			review: true,
			reason: 'Not confirmed: A test postback: its sale is a sample, not asked of Verotel',
		});
	});
});
