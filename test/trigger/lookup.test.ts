/**
 * "Fetch Sale Details" through real HTTP: n8n-core's own
 * httpRequestWithAuthentication (the function behind this.helpers in a real
 * n8n), the package's real credential `authenticate`, axios, and nock at the
 * socket level. Only the credentials helper of n8n is reduced to what it does
 * for a credential with an authenticate function.
 *
 * The lookup runs in execute(), inside the execution n8n stored for the
 * postback, with webhook()'s item as input; webhook() never makes a request.
 */
import nock from 'nock';

import { foundBody, TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { deliverAndExecute, visibleText } from './delivery';
import { executeHarness, OK_ANSWER, outputItemOf } from './execute-harness';
import { CREDIT, PURCHASE, signedQuery } from './fixtures';
import { ProcessedStore } from './processed-store';
import { expectedStatusSignature, HOST, lookup, PURCHASE_SALE, realHttp } from './sale-lookup';
import { forgetTriggerState, harness, itemOf } from './webhook-harness';

beforeAll(() => nock.disableNetConnect());
beforeEach(forgetTriggerState);
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Fetch Sale Details (in execute())', () => {
	it('webhook() alone makes no request and hands over the item without sale', async () => {
		const scope = nock(HOST).get('/salestatus').query(true).reply(200, foundBody(PURCHASE_SALE));
		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true } });
		const item = itemOf(await h.run());
		expect(h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
		expect(scope.isDone()).toBe(false);
		expect(item).not.toHaveProperty('sale');
		expect(item).not.toHaveProperty('saleLookup');
	});

	it('FOUND: adds the sale (email, billing address, sale result) to the item', async () => {
		const requests: string[] = [];
		const scope = nock(HOST)
			.get('/salestatus')
			.query((q) => {
				requests.push(JSON.stringify(q));
				return (
					q.saleID === '700001' &&
					q.shopID === TEST_SHOP_ID &&
					q.version === '4' &&
					q.signature === expectedStatusSignature({ saleID: '700001' })
				);
			})
			.reply(200, foundBody(PURCHASE_SALE), { 'Content-Type': 'text/plain; charset=utf-8' });

		const { item, e } = await lookup({ query: signedQuery(PURCHASE) });
		expect(scope.isDone()).toBe(true);
		expect(item.saleLookup).toEqual({ ok: true, response: 'FOUND', httpStatus: 200 });
		// The shape of Sale > Get Status (nodes/shared/saleStatus.ts): one sale, one shape.
		expect(item.sale).toEqual({
			found: true,
			response: 'FOUND',
			saleID: '700001',
			shopID: TEST_SHOP_ID,
			referenceID: 'order-1001',
			saleResult: 'APPROVED',
			priceAmount: '19.99',
			priceCurrency: 'EUR',
			paymentMethod: 'CC',
			email: 'buyer@example.com',
			country: 'DE',
			amount: 19.99,
			billingAddress: { fullName: 'Erika Mustermann', city: 'Berlin', zip: '10115', country: 'DE' },
		});
		// The status service agrees with the postback: confirmed, no reason.
		expect(item.confirmed).toBe(true);
		expect(item).not.toHaveProperty('confirmation');
		// The postback fields are untouched by the lookup; without the option, so is access.
		expect(item).toMatchObject({
			event: 'purchase',
			saleID: '700001',
			amount: 19.99,
			access: { action: 'grant', saleID: '700001' },
		});
		expect(requests.join('\n')).not.toContain(TEST_SIGNATURE_KEY);
		// n8n answers OK ("When the Execution Is Stored"); execute() does not.
		expect(e?.ctx.sendResponse).not.toHaveBeenCalled();
	});

	it('one request through the FlexPay credential: GET /salestatus by saleID, text answer of any HTTP status, 15 s timeout', async () => {
		nock(HOST).get('/salestatus').query(true).reply(200, foundBody(PURCHASE_SALE));
		const { e } = await lookup({ query: signedQuery(PURCHASE) });
		expect(e?.ctx.helpers.httpRequestWithAuthentication).toHaveBeenCalledTimes(1);
		expect(e?.ctx.helpers.httpRequestWithAuthentication).toHaveBeenCalledWith('verotelFlexPayApi', {
			method: 'GET',
			url: '/salestatus',
			qs: { saleID: '700001' },
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 15000,
		});
	});

	it('"Answer OK" = when the workflow starts: the OK waits for the status request, then leaves as the last step', async () => {
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let requestSeen!: () => void;
		const seen = new Promise<void>((resolve) => (requestSeen = resolve));
		nock(HOST)
			.get('/salestatus')
			.query(true)
			.reply((_uri, _body, callback) => {
				requestSeen();
				void gate.then(() => callback(null, [200, foundBody(PURCHASE_SALE)]));
			});

		const options = { fetchSaleDetails: true, answerOk: 'whenRunStarts' };
		const h = harness({ query: signedQuery(PURCHASE), options });
		const input = (await h.run()).workflowData![0];
		expect(h.res.sendCount).toBe(0);
		const e = executeHarness({
			items: input,
			options,
			httpRequestWithAuthentication: realHttp(),
			events: h.events,
		});
		let settled = false;
		const running = e.run().finally(() => (settled = true));
		await seen;
		// The OK waits for the status service: nothing may wait after it (n8n 1.x cancels such a
		// run on SIGTERM, and saves one cancelled while its trigger waits without the postback).
		expect(settled).toBe(false);
		expect(e.responses).toEqual([]);
		release();
		const item = outputItemOf(await running);
		const after = h.events.slice(h.events.indexOf('resolved') + 1);
		expect(after.filter((event) => event !== 'execute:getCredentials')).toEqual([
			'execute:statusRequest',
			'sendResponse:200:OK',
			'execute:resolved',
		]);
		expect(e.responses).toEqual([OK_ANSWER]);
		expect(item.saleLookup).toMatchObject({ ok: true });
		expect(e.ctx.sendResponse).toHaveBeenCalledTimes(1);
		expect(h.res.sendCount).toBe(0);
	});

	it('NOTFOUND: the item still comes out, with saleLookup.ok = false', async () => {
		nock(HOST).get('/salestatus').query(true).reply(200, 'response: NOTFOUND\n');
		const { item } = await lookup({ query: signedQuery(PURCHASE) });
		expect(item).not.toHaveProperty('sale');
		expect(item.saleLookup).toEqual({
			ok: false,
			response: 'NOTFOUND',
			reason: 'The status service does not know this sale',
			httpStatus: 200,
		});
		expect(item).toMatchObject({
			confirmed: false,
			confirmation: { reason: 'The status service does not know this sale' },
		});
		// "Grant Access Only When Confirmed" is off: access is what the postback says, as before.
		expect(item.access).toEqual({ action: 'grant', untilSource: 'oneOff', saleID: '700001' });
	});

	it('ERROR: the service text is passed on, redacted (never the key or a signature)', async () => {
		const leakyBody = `response: ERROR\nerror: bad signature for key ${TEST_SIGNATURE_KEY}, expected ${'ab'.repeat(32)} (signature=${'cd'.repeat(32)})\n`;
		nock(HOST).get('/salestatus').query(true).reply(200, leakyBody);
		const delivery = await lookup({ query: signedQuery(PURCHASE) });
		expect(delivery.item.saleLookup).toMatchObject({
			ok: false,
			response: 'ERROR',
			reason: expect.stringMatching(
				/^The status service answered ERROR: bad signature for key \[redacted\]/,
			),
		});
		expect(delivery.item.confirmed).toBe(false);
		expect((delivery.item.confirmation as { reason: string }).reason).toBe(
			(delivery.item.saleLookup as { reason: string }).reason,
		);
		expect(visibleText(delivery.h, delivery.result, delivery)).not.toContain(TEST_SIGNATURE_KEY);
		expect(visibleText(delivery.h, delivery.result, delivery)).not.toMatch(/[0-9a-f]{40}/);
	});

	it('HTTP 500 with an HTML page: failure with the status code, item still emitted', async () => {
		nock(HOST)
			.get('/salestatus')
			.query(true)
			.reply(500, '<html><body>Internal error</body></html>', { 'Content-Type': 'text/html' });
		const { item } = await lookup({ query: signedQuery(PURCHASE) });
		expect(item.saleLookup).toEqual({
			ok: false,
			reason: 'The FlexPay status service answered HTTP 500',
			httpStatus: 500,
		});
		expect(item).toMatchObject({
			confirmed: false,
			confirmation: { reason: 'The FlexPay status service answered HTTP 500' },
		});
	});

	it('network failure: failure with a reason, item still emitted', async () => {
		nock(HOST).get('/salestatus').query(true).replyWithError('socket hang up');
		const delivery = await lookup({ query: signedQuery(PURCHASE) });
		expect(delivery.item.saleLookup).toEqual({
			ok: false,
			reason: expect.stringMatching(/^The status request failed: /),
		});
		expect(delivery.item).toMatchObject({
			confirmed: false,
			confirmation: { reason: expect.stringMatching(/^The status request failed: /) },
		});
		expect(visibleText(delivery.h, delivery.result, delivery)).not.toContain(TEST_SIGNATURE_KEY);
	});

	it('a credential whose base URL is unusable: verification still works, the lookup fails softly', async () => {
		const { item } = await lookup({
			query: signedQuery(PURCHASE),
			credentials: { ...TEST_CREDENTIALS, baseUrl: 'ftp://example.com' },
		});
		expect(item.saleLookup).toEqual({
			ok: false,
			reason: expect.stringMatching(/^The status request failed: /),
		});
	});

	it('uses the custom base URL of the credential', async () => {
		const scope = nock('http://flexpay-proxy.test:8080')
			.get('/salestatus')
			.query(true)
			.reply(200, foundBody(PURCHASE_SALE));
		const { item } = await lookup({
			query: signedQuery(CREDIT),
			credentials: { ...TEST_CREDENTIALS, baseUrl: 'http://flexpay-proxy.test:8080' },
		});
		expect(scope.isDone()).toBe(true);
		expect(item).toMatchObject({ event: 'credit', saleLookup: { ok: true } });
	});

	it('a deselected event starts no run, so no lookup', async () => {
		const scope = nock(HOST).get('/salestatus').query(true).reply(200, foundBody(PURCHASE_SALE));
		const deselected = await deliverAndExecute({
			query: signedQuery(CREDIT),
			options: { fetchSaleDetails: true, events: ['purchase'] },
			httpRequestWithAuthentication: realHttp(),
		});
		expect(deselected.result).toEqual({ noWebhookResponse: true });
		expect(deselected.e).toBeUndefined();
		expect(deselected.h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
		expect(scope.isDone()).toBe(false);
	});

	it('a repeat runs, and passes nothing on, looked up or not', async () => {
		const processed = new ProcessedStore();
		nock(HOST).get('/salestatus').query(true).times(2).reply(200, foundBody(PURCHASE_SALE));
		const call = { query: signedQuery(PURCHASE), processed, workflowId: 'wf-lookup-repeat' };
		expect((await lookup(call)).item.sale).toMatchObject({ saleResult: 'APPROVED' });
		const repeat = await deliverAndExecute({
			...call,
			options: { fetchSaleDetails: true },
			httpRequestWithAuthentication: realHttp(),
		});
		expect(repeat.output).toEqual([[]]);
	});
});
