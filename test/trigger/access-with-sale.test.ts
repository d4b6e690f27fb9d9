/**
 * `access` once the status service has answered (Fetch Sale Details): webhook()
 * then execute() as n8n chains them, the answer through real HTTP (nock). A
 * credit is decided on the sale's amount, a subscription without dates gets
 * its end from the sale's dates or period; without the answer neither can be.
 */
import nock from 'nock';

import { foundBody, TEST_SHOP_ID } from '../fixtures/flexpay';
import { CREDIT, signedQuery } from './fixtures';
import { HOST, lookup, PURCHASE_SALE } from './sale-lookup';
import { forgetTriggerState } from './webhook-harness';

beforeAll(() => nock.disableNetConnect());
beforeEach(forgetTriggerState);
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function statusAnswers(body: string): nock.Scope {
	return nock(HOST).get('/salestatus').query(true).reply(200, body);
}

const INITIAL = {
	event: 'initial',
	shopID: TEST_SHOP_ID,
	saleID: '700004',
	transactionID: '900040',
	priceAmount: '29.95',
	priceCurrency: 'EUR',
	type: 'subscription',
	subscriptionType: 'recurring',
	custom1: 'member-4',
};

describe('access with the status service’s answer', () => {
	it('a partial credit (5.00 of 19.99) keeps access and asks for a review', async () => {
		statusAnswers(foundBody(PURCHASE_SALE));
		const { item } = await lookup({ query: signedQuery({ ...CREDIT, priceAmount: '5.00' }) });
		expect(item.access).toEqual({
			action: 'keep',
			saleID: '700001',
			review: true,
			reason: 'Partial credit: less than the sale’s amount was credited, so access is kept',
		});
	});

	it('a full credit revokes, and says so', async () => {
		statusAnswers(foundBody(PURCHASE_SALE));
		const { item } = await lookup({ query: signedQuery(CREDIT) });
		expect(item.access).toEqual({
			action: 'revoke',
			saleID: '700001',
			reason: 'Full credit: the credited amount covers the sale’s amount',
		});
	});

	it('an initial postback without dates ends where the status service’s nextChargeOn says', async () => {
		statusAnswers(
			foundBody({ ...PURCHASE_SALE, ...INITIAL, nextChargeOn: '2027-01-05', period: 'P1M' }),
		);
		const { item } = await lookup({ query: signedQuery(INITIAL) });
		expect(item.confirmed).toBe(true);
		expect(item.access).toEqual({
			action: 'grant',
			until: '2027-01-05',
			untilSource: 'sale',
			saleID: '700004',
		});
	});

	it('without any date, the end is the day it arrived plus the sale’s period', async () => {
		statusAnswers(foundBody({ ...PURCHASE_SALE, ...INITIAL, period: 'P30D' }));
		const { item } = await lookup({ query: signedQuery(INITIAL) });
		const arrived = new Date(item.receivedAt as string);
		const expected = new Date(arrived.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
		expect(item.access).toEqual({
			action: 'grant',
			until: expected,
			untilSource: 'period',
			saleID: '700004',
		});
	});

	it('an answer about another sale lends neither its dates nor its amount', async () => {
		statusAnswers(foundBody({ ...PURCHASE_SALE, ...INITIAL, saleID: '799999', period: 'P30D' }));
		const { item } = await lookup({ query: signedQuery(INITIAL) });
		expect(item.access).toEqual({ action: 'grant', untilSource: 'unknown', saleID: '700004' });
	});
});
