/**
 * "Grant Access Only When Confirmed": webhook() then execute() as n8n chains
 * them, the status service answered through real HTTP (nock at the socket,
 * n8n-core's httpRequestWithAuthentication, the package's credential). A grant
 * or extend the service does not confirm becomes `access.action: none`; the
 * postback still gets its OK and its item; revokes are never held back.
 */
import nock from 'nock';

import { foundBody, TEST_SHOP_ID } from '../fixtures/flexpay';
import { OK_ANSWER } from './execute-harness';
import { CREDIT, PURCHASE, REBILL, signedQuery } from './fixtures';
import { HOST, lookup, PURCHASE_SALE } from './sale-lookup';
import { forgetTriggerState } from './webhook-harness';

beforeAll(() => nock.disableNetConnect());
beforeEach(forgetTriggerState);
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const OPTION = { grantOnlyWhenConfirmed: true };
const NOT_KNOWN = 'The status service does not know this sale';
const withheld = (action: string, saleID: string, reason: string) => ({
	action: 'none',
	saleID,
	withheld: action,
	review: true,
	reason: `Not confirmed: ${reason}`,
});

function statusAnswers(body: string | ((saleID: string) => string), status = 200): nock.Scope {
	return nock(HOST)
		.get('/salestatus')
		.query(true)
		.reply(status, (uri) =>
			typeof body === 'string' ? body : body(new URL(uri, HOST).searchParams.get('saleID') ?? ''),
		);
}

describe('Grant Access Only When Confirmed', () => {
	it('turns the lookup on by itself; a purchase the status service confirms grants as before', async () => {
		const scope = statusAnswers(foundBody(PURCHASE_SALE));
		const { item } = await lookup({ query: signedQuery(PURCHASE), options: OPTION });
		expect(scope.isDone()).toBe(true);
		expect(item).toMatchObject({ confirmed: true, saleLookup: { ok: true } });
		expect(item.access).toEqual({ action: 'grant', untilSource: 'oneOff', saleID: '700001' });
	});

	it('a purchase the status service does not know grants nothing, says why, and still gets its OK', async () => {
		statusAnswers('response: NOTFOUND\n');
		const { item, e } = await lookup({
			query: signedQuery(PURCHASE),
			options: { ...OPTION, answerOk: 'whenRunStarts' },
		});
		expect(item).toMatchObject({ confirmed: false, confirmation: { reason: NOT_KNOWN } });
		expect(item.access).toEqual(withheld('grant', '700001', NOT_KNOWN));
		expect(e?.responses).toEqual([OK_ANSWER]);
	});

	it('a purchase the status service knows with another amount grants nothing', async () => {
		statusAnswers(foundBody({ ...PURCHASE_SALE, priceAmount: '1.99' }));
		const { item } = await lookup({ query: signedQuery(PURCHASE), options: OPTION });
		const reason = 'The amount differs from the status service’s';
		expect(item).toMatchObject({
			confirmed: false,
			confirmation: { reason },
			sale: { priceAmount: '1.99' },
		});
		expect(item.access).toEqual(withheld('grant', '700001', reason));
	});

	it('a sale whose status names another custom1 (the buyer’s account in many shops) grants nothing', async () => {
		statusAnswers(foundBody({ ...PURCHASE_SALE, custom1: 'user-666' }));
		const { item } = await lookup({ query: signedQuery(PURCHASE), options: OPTION });
		expect(item.custom1).toBe('user-42');
		expect(item.access).toEqual(
			withheld('grant', '700001', 'The status service names another custom1'),
		);
	});

	it('a failed lookup (HTTP 503) grants nothing, for the lookup’s reason', async () => {
		statusAnswers('maintenance', 503);
		const { item } = await lookup({ query: signedQuery(PURCHASE), options: OPTION });
		expect(item.access).toEqual(
			withheld('grant', '700001', 'The FlexPay status service answered HTTP 503'),
		);
	});

	it('a rebill of a sale the service does not know extends nothing; until is not passed on', async () => {
		statusAnswers('response: NOTFOUND\n');
		const { item } = await lookup({ query: signedQuery(REBILL), options: OPTION });
		expect(item.access).toEqual(withheld('extend', '700002', NOT_KNOWN));
		expect(item.nextChargeOn).toBe('2026-01-31');
	});

	it('a rebill of a known, approved sale extends (its amount is not the sale price and is not compared)', async () => {
		statusAnswers(
			(saleID) =>
				`response: FOUND\nsaleID: ${saleID}\nshopID: ${TEST_SHOP_ID}\nsaleResult: APPROVED\npriceAmount: 29.95\npriceCurrency: EUR\n`,
		);
		const { item } = await lookup({ query: signedQuery(REBILL), options: OPTION });
		expect(item.confirmed).toBe(true);
		expect(item.access).toEqual({
			action: 'extend',
			until: '2026-01-31',
			untilSource: 'postback',
			saleID: '700002',
		});
	});

	it('revokes are never held back: a full credit of a sale no longer APPROVED still revokes', async () => {
		statusAnswers(foundBody({ ...PURCHASE_SALE, saleResult: 'CREDITED' }));
		const { item } = await lookup({ query: signedQuery(CREDIT), options: OPTION });
		expect(item.confirmed).toBe(false);
		expect(item.access).toEqual({
			action: 'revoke',
			saleID: '700001',
			reason: 'Full credit: the credited amount covers the sale’s amount',
		});
	});

	it('a credit of a sale the service does not know is kept for review, not revoked blindly', async () => {
		statusAnswers('response: NOTFOUND\n');
		const { item } = await lookup({ query: signedQuery(CREDIT), options: OPTION });
		expect(item.access).toEqual({
			action: 'keep',
			saleID: '700001',
			review: true,
			reason:
				'Credit not compared: no status answer about the sale (Fetch Sale Details off, or the lookup failed)',
		});
	});

	it('off (Fetch Sale Details alone): the verdict is in the item, access is what the postback says', async () => {
		statusAnswers('response: NOTFOUND\n');
		const { item } = await lookup({
			query: signedQuery(PURCHASE),
			options: { fetchSaleDetails: true, grantOnlyWhenConfirmed: false },
		});
		expect(item.confirmed).toBe(false);
		expect(item.access).toEqual({ action: 'grant', untilSource: 'oneOff', saleID: '700001' });
	});
});
