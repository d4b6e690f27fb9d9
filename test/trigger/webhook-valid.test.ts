/**
 * webhook() on a valid postback: it hands the normalised sale to n8n, which
 * sends the description's responseData "OK" once it has stored the execution.
 */
import { buildQueryString } from '../../lib';
import { TEST_SHOP_ID } from '../fixtures/flexpay';
import {
	CHARGEBACK,
	CREDIT,
	idempotencyKeyFor,
	PURCHASE,
	REBILL,
	sign,
	signedQuery,
} from './fixtures';
import { expectHandedToN8n, expectRejected } from './webhook-answers';
import { forgetTriggerState, harness, itemOf } from './webhook-harness';

beforeEach(forgetTriggerState);

describe('valid postbacks: handed to n8n, which answers OK once it has stored the execution', () => {
	it('purchase (SHA-256): no status or body written, text/plain set, the normalised sale as workflowData without noWebhookResponse', async () => {
		const h = harness({ query: signedQuery(PURCHASE) });
		const result = await h.run();
		expectHandedToN8n(h);
		expect(result.noWebhookResponse).toBeUndefined();
		expect(result.webhookResponse).toBeUndefined();
		const item = itemOf(result);
		expect(item).toEqual({
			event: 'purchase',
			type: 'purchase',
			saleID: '700001',
			transactionID: '900001',
			referenceID: 'order-1001',
			shopID: TEST_SHOP_ID,
			amount: 19.99,
			amountString: '19.99',
			currency: 'EUR',
			paymentMethod: 'CC',
			custom1: 'user-42',
			custom2: 'plan gold',
			CCBrand: 'VISA',
			truncatedPAN: 'XXXXXXXXXXXX4242',
			// A one-off purchase: access without an end.
			access: { action: 'grant', untilSource: 'oneOff', saleID: '700001' },
			// A sale opens once: the key names the sale and the event, nothing else.
			idempotencyKey: `${TEST_SHOP_ID}:700001:purchase`,
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			signatureAlgorithm: 'sha256',
			httpMethod: 'GET',
			params: { ...PURCHASE },
		});
		// Absent fields stay absent (not null).
		for (const absent of [
			'parentID',
			'custom3',
			'oneClickToken',
			'subscriptionPhase',
			'sale',
			'saleLookup',
		]) {
			expect(item).not.toHaveProperty(absent);
		}
		expect(item.params).not.toHaveProperty('signature');
		expect(h.ctx.getQueryData).not.toHaveBeenCalled();
		expect(h.ctx.getBodyData).not.toHaveBeenCalled();
		expect(h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('a response something else already answered is left alone', async () => {
		const h = harness({ query: signedQuery(PURCHASE) });
		h.res.headersSent = true;
		itemOf(await h.run());
		expect(h.events.filter((e) => /^(status|type|send):/.test(e))).toEqual([]);
	});

	it('credit (refund): event credit with parentID, keyed by sale, event and a fingerprint of the data', async () => {
		const h = harness({ query: signedQuery(CREDIT) });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item).toMatchObject({
			event: 'credit',
			parentID: '900001',
			transactionID: '900002',
			amount: 19.99,
		});
		expect(item.idempotencyKey).toMatch(new RegExp(`^${TEST_SHOP_ID}:700001:credit:[0-9a-f]{20}$`));
		expect(item.idempotencyKey).toBe(idempotencyKeyFor(CREDIT));
	});

	it('chargeback: event chargeback, distinct idempotency key from the credit of the same sale', async () => {
		const h = harness({ query: signedQuery(CHARGEBACK) });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item).toMatchObject({ event: 'chargeback', parentID: '900001' });
		expect(item.idempotencyKey).toMatch(
			new RegExp(`^${TEST_SHOP_ID}:700001:chargeback:[0-9a-f]{20}$`),
		);
		expect(item.idempotencyKey).toBe(idempotencyKeyFor(CHARGEBACK));
		expect(item.idempotencyKey).not.toBe(idempotencyKeyFor(CREDIT));
	});

	it('subscription rebill: amount/currency fields and subscription fields', async () => {
		const h = harness({ query: signedQuery(REBILL) });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item).toMatchObject({
			event: 'rebill',
			type: 'subscription',
			amount: 9.95,
			amountString: '9.95',
			currency: 'USD',
			subscriptionPhase: 'normal',
			subscriptionType: 'recurring',
			nextChargeOn: '2026-01-31',
		});
	});

	it('access: what fulfilment does, derived from the event and the dates the postback carries', async () => {
		const rebill = itemOf(await harness({ query: signedQuery(REBILL) }).run());
		expect(rebill.access).toEqual({
			action: 'extend',
			until: '2026-01-31',
			untilSource: 'postback',
			saleID: '700002',
		});
		// Without the status service's answer the credited share is unknown: kept, for review.
		const credit = itemOf(await harness({ query: signedQuery(CREDIT) }).run());
		expect(credit.access).toMatchObject({ action: 'keep', saleID: '700001', review: true });
		const upgrade = {
			event: 'upgrade',
			shopID: TEST_SHOP_ID,
			saleID: '700003',
			precededBySaleID: '700002',
			type: 'upgradesubscription',
			expiresOn: '2026-03-31',
		};
		const upgraded = itemOf(await harness({ query: signedQuery(upgrade) }).run());
		expect(upgraded).toMatchObject({
			event: 'upgrade',
			precededBySaleID: '700002',
			expiresOn: '2026-03-31',
		});
		expect(upgraded.access).toEqual({
			action: 'grant',
			until: '2026-03-31',
			untilSource: 'postback',
			saleID: '700003',
			replacesSaleID: '700002',
		});
		const unknown = itemOf(
			await harness({ query: signedQuery({ ...CREDIT, event: 'partialvoid' }) }).run(),
		);
		expect(unknown.access).toEqual({ action: 'none', saleID: '700001' });
	});

	it('legacy SHA-1 signature is accepted by default and reported', async () => {
		const h = harness({ query: signedQuery(PURCHASE, 'sha1') });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item.signatureAlgorithm).toBe('sha1');
	});

	it('legacy SHA-1 signature is refused with "Accept Legacy SHA-1 Signatures" off', async () => {
		const h = harness({ query: signedQuery(PURCHASE, 'sha1'), options: { allowSha1: false } });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
	});

	it('upper-case hex signature is accepted (as the official PHP client does)', async () => {
		const signed = sign(PURCHASE);
		const query = buildQueryString(
			Object.entries({ ...signed, signature: signed.signature.toUpperCase() }),
		);
		const h = harness({ query });
		itemOf(await h.run());
		expectHandedToN8n(h);
	});

	it('verifies the raw bytes: non-ASCII values, + as space, and a static parameter of the configured URL', async () => {
		const params = { ...PURCHASE, custom3: 'Dščř & co = 100%', source: 'verotel' };
		const h = harness({ query: signedQuery(params) });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item.custom3).toBe('Dščř & co = 100%');
		expect(item.params).toMatchObject({ source: 'verotel', custom2: 'plan gold' });
	});

	it('parameter order on the wire does not matter', async () => {
		const signed = sign(PURCHASE);
		const reversed = buildQueryString(Object.entries(signed).reverse());
		const h = harness({ query: reversed });
		itemOf(await h.run());
		expectHandedToN8n(h);
	});

	it('an unreadable amount keeps amountString and leaves amount out', async () => {
		const h = harness({ query: signedQuery({ ...PURCHASE, priceAmount: '19,99' }) });
		const item = itemOf(await h.run());
		expect(item.amountString).toBe('19,99');
		expect(item).not.toHaveProperty('amount');
	});

	it('with "Fetch Sale Details" on, webhook() makes no request and the item has no sale yet (execute() looks it up)', async () => {
		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true } });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
		expect(item).not.toHaveProperty('sale');
		expect(item).not.toHaveProperty('saleLookup');
	});

	it('with "Answer OK" = when the workflow starts, webhook() hands over the same way (execute() answers)', async () => {
		const h = harness({ query: signedQuery(PURCHASE), options: { answerOk: 'whenRunStarts' } });
		expect(itemOf(await h.run()).event).toBe('purchase');
		expectHandedToN8n(h);
	});
});
