/**
 * "Fetch Sale Details" through real HTTP: n8n-core's own
 * httpRequestWithAuthentication (the function behind this.helpers in a real
 * n8n), the package's real credential `authenticate`, axios, and nock at the
 * socket level. Only the credentials helper of n8n is reduced to what it does
 * for a credential with an authenticate function.
 */
import nock from 'nock';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	INode,
	IWebhookFunctions,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { httpRequestWithAuthentication as coreHttpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { computeSignature } from '../../lib';
import { CREDENTIALS, CREDIT, harness, itemOf, KEY, PURCHASE, SHOP, signedQuery, visibleText, type CallOptions } from './harness';

const HOST = 'https://secure.verotel.com';

const FOUND_BODY = [
	'response: FOUND',
	'saleID: 700001',
	`shopID: ${SHOP}`,
	'referenceID: order-1001',
	'saleResult: APPROVED',
	'priceAmount: 19.99',
	'priceCurrency: EUR',
	'paymentMethod: CC',
	'email: buyer@example.com',
	'country: DE',
	'billingAddr_fullName: Erika Mustermann',
	'billingAddr_city: Berlin',
	'billingAddr_zip: 10115',
	'billingAddr_country: DE',
	'',
].join('\n');

/** n8n's CredentialsHelper.authenticate for a credential whose authenticate is a function. */
function realHttp(credentialType = new VerotelFlexPayApi()): CallOptions['httpRequestWithAuthentication'] {
	const additionalData = {
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (credentials: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions) =>
				await credentialType.authenticate(credentials, options),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return async function (this: IWebhookFunctions, type: string, options: IHttpRequestOptions) {
		return await coreHttpRequestWithAuthentication.call(
			this as never,
			type,
			options,
			{} as Workflow,
			this.getNode() as INode,
			additionalData,
		);
	};
}

function expectedStatusSignature(query: Record<string, string>): string {
	// salestatus signs shopID, saleID|referenceID and version (protocol 4).
	return computeSignature(KEY, { ...query, shopID: SHOP, version: '4' });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Fetch Sale Details', () => {
	it('FOUND: answers OK, then adds the sale (email, billing address, sale result)', async () => {
		const requests: string[] = [];
		const scope = nock(HOST)
			.get('/salestatus')
			.query((q) => {
				requests.push(JSON.stringify(q));
				return q.saleID === '700001' && q.shopID === SHOP && q.version === '4' && q.signature === expectedStatusSignature({ saleID: '700001' });
			})
			.reply(200, FOUND_BODY, { 'Content-Type': 'text/plain; charset=utf-8' });

		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		const result = await h.run();
		expect(scope.isDone()).toBe(true);
		expect(h.res.body).toBe('OK');
		const item = itemOf(result);
		expect(item.saleLookup).toEqual({ ok: true, response: 'FOUND', httpStatus: 200 });
		expect(item.sale).toEqual({
			saleResult: 'APPROVED',
			email: 'buyer@example.com',
			saleID: '700001',
			referenceID: 'order-1001',
			shopID: SHOP,
			priceAmount: '19.99',
			priceCurrency: 'EUR',
			paymentMethod: 'CC',
			country: 'DE',
			billingAddress: { fullName: 'Erika Mustermann', city: 'Berlin', zip: '10115', country: 'DE' },
			fields: expect.objectContaining({ response: 'FOUND', billingAddr_city: 'Berlin' }),
		});
		// The postback fields are untouched by the lookup.
		expect(item).toMatchObject({ event: 'purchase', saleID: '700001', amount: 19.99 });
		expect(requests.join('\n')).not.toContain(KEY);
	});

	it('the OK is already sent while the status request is still pending', async () => {
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		let requestSeen!: () => void;
		const seen = new Promise<void>((resolve) => (requestSeen = resolve));
		nock(HOST)
			.get('/salestatus')
			.query(true)
			.reply((_uri, _body, callback) => {
				requestSeen();
				void gate.then(() => callback(null, [200, FOUND_BODY]));
			});

		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		let settled = false;
		const running = h.run().finally(() => (settled = true));
		await seen;
		// Verotel already has its answer; the workflow has not been handed anything yet.
		expect(settled).toBe(false);
		expect(h.res).toMatchObject({ statusCode: 200, contentType: 'text/plain', body: 'OK', sendCount: 1 });
		expect(h.events).toEqual(['status:200', 'type:text/plain', 'send:OK']);
		release();
		const item = itemOf(await running);
		expect(item.saleLookup).toMatchObject({ ok: true });
		expect(h.events[h.events.length - 1]).toBe('resolved');
		expect(h.res.sendCount).toBe(1);
	});

	it('NOTFOUND: the item still comes out, with saleLookup.ok = false', async () => {
		nock(HOST).get('/salestatus').query(true).reply(200, 'response: NOTFOUND\n');
		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		const item = itemOf(await h.run());
		expect(h.res.body).toBe('OK');
		expect(item).not.toHaveProperty('sale');
		expect(item.saleLookup).toEqual({ ok: false, response: 'NOTFOUND', reason: 'The status service does not know this sale', httpStatus: 200 });
	});

	it('ERROR: the service text is passed on, redacted (never the key or a signature)', async () => {
		const leakyBody = `response: ERROR\nerror: bad signature for key ${KEY}, expected ${'ab'.repeat(32)} (signature=${'cd'.repeat(32)})\n`;
		nock(HOST).get('/salestatus').query(true).reply(200, leakyBody);
		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		const result = await h.run();
		const item = itemOf(result);
		expect(item.saleLookup).toMatchObject({ ok: false, response: 'ERROR', reason: expect.stringMatching(/^The status service answered ERROR: bad signature for key \[redacted\]/) });
		expect(visibleText(h, result)).not.toContain(KEY);
		expect(visibleText(h, result)).not.toMatch(/[0-9a-f]{40}/);
	});

	it('HTTP 500 with an HTML page: failure with the status code, item still emitted', async () => {
		nock(HOST).get('/salestatus').query(true).reply(500, '<html><body>Internal error</body></html>', { 'Content-Type': 'text/html' });
		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		const item = itemOf(await h.run());
		expect(h.res.body).toBe('OK');
		expect(item.saleLookup).toEqual({ ok: false, reason: 'The status service answered HTTP 500', httpStatus: 500 });
	});

	it('network failure: failure with a reason, item still emitted', async () => {
		nock(HOST).get('/salestatus').query(true).replyWithError('socket hang up');
		const h = harness({ query: signedQuery(PURCHASE), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		const result = await h.run();
		const item = itemOf(result);
		expect(h.res.body).toBe('OK');
		expect(item.saleLookup).toEqual({ ok: false, reason: expect.stringMatching(/^The status request failed: /) });
		expect(visibleText(h, result)).not.toContain(KEY);
	});

	it('a credential whose base URL is unusable: verification still works, the lookup fails softly', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			options: { fetchSaleDetails: true },
			credentials: { ...CREDENTIALS, baseUrl: 'ftp://example.com' },
			httpRequestWithAuthentication: realHttp(),
		});
		const item = itemOf(await h.run());
		expect(h.res.body).toBe('OK');
		expect(item.saleLookup).toEqual({ ok: false, reason: expect.stringMatching(/^The status request failed: /) });
	});

	it('uses the custom base URL of the credential', async () => {
		const scope = nock('http://flexpay-proxy.test:8080').get('/salestatus').query(true).reply(200, FOUND_BODY);
		const h = harness({
			query: signedQuery(CREDIT),
			options: { fetchSaleDetails: true },
			credentials: { ...CREDENTIALS, baseUrl: 'http://flexpay-proxy.test:8080' },
			httpRequestWithAuthentication: realHttp(),
		});
		const item = itemOf(await h.run());
		expect(scope.isDone()).toBe(true);
		expect(item).toMatchObject({ event: 'credit', saleLookup: { ok: true } });
	});

	it('falls back to referenceID when the postback has no saleID', async () => {
		const { saleID: _omit, ...withoutSale } = PURCHASE;
		const scope = nock(HOST)
			.get('/salestatus')
			.query((q) => q.referenceID === 'order-1001' && q.saleID === undefined && q.signature === expectedStatusSignature({ referenceID: 'order-1001' }))
			.reply(200, FOUND_BODY);
		const h = harness({ query: signedQuery(withoutSale), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		itemOf(await h.run());
		expect(scope.isDone()).toBe(true);
	});

	it('no saleID and no referenceID: no request, saleLookup explains why', async () => {
		const { saleID: _a, referenceID: _b, ...anonymous } = PURCHASE;
		const h = harness({ query: signedQuery(anonymous), options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		const item = itemOf(await h.run());
		expect(item.saleLookup).toEqual({ ok: false, reason: 'The postback carries neither saleID nor referenceID' });
		expect(h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('repeats and deselected events never cause a lookup', async () => {
		const staticData = {};
		nock(HOST).get('/salestatus').query(true).once().reply(200, FOUND_BODY);
		itemOf(await harness({ query: signedQuery(PURCHASE), staticData, options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() }).run());
		const repeat = harness({ query: signedQuery(PURCHASE), staticData, options: { fetchSaleDetails: true }, httpRequestWithAuthentication: realHttp() });
		expect(await repeat.run()).toEqual({ noWebhookResponse: true });
		const deselected = harness({ query: signedQuery(CREDIT), options: { fetchSaleDetails: true, events: ['purchase'] }, httpRequestWithAuthentication: realHttp() });
		expect(await deselected.run()).toEqual({ noWebhookResponse: true });
		expect(repeat.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
		expect(deselected.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});
});
