import { ObservableObject, type IDataObject, type IObservableObject } from 'n8n-workflow';

import { buildQueryString, computeSignature } from '../../lib';
import { MAX_REMEMBERED_KEYS, REMEMBERED_KEYS_FIELD } from '../../nodes/VerotelFlexPayTrigger/VerotelFlexPayTriggerHelpers';
import { CHARGEBACK, CREDIT, harness, itemOf, KEY, PURCHASE, REBILL, SHOP, sign, signedQuery } from './harness';

function expectOkFirst(h: ReturnType<typeof harness>): void {
	expect(h.res.statusCode).toBe(200);
	expect(h.res.contentType).toBe('text/plain');
	expect(h.res.body).toBe('OK');
	expect(h.res.sendCount).toBe(1);
	// Written while webhook() was still running, i.e. before n8n could answer anything itself.
	expect(h.events.indexOf('send:OK')).toBeLessThan(h.events.indexOf('resolved'));
	expect(h.events.slice(0, 3)).toEqual(['status:200', 'type:text/plain', 'send:OK']);
}

function expectRejected(h: ReturnType<typeof harness>, result: { noWebhookResponse?: boolean; workflowData?: unknown; webhookResponse?: unknown }, status: number, body: string | RegExp): void {
	expect(result).toEqual({ noWebhookResponse: true });
	expect(result.workflowData).toBeUndefined();
	expect(result.webhookResponse).toBeUndefined();
	expect(h.res.statusCode).toBe(status);
	expect(h.res.contentType).toBe('text/plain');
	if (typeof body === 'string') expect(h.res.body).toBe(body);
	else expect(h.res.body).toMatch(body);
	expect(h.res.sendCount).toBe(1);
}

describe('valid postbacks', () => {
	it('purchase (SHA-256): answers OK before resolving and emits the normalised sale', async () => {
		const h = harness({ query: signedQuery(PURCHASE) });
		const result = await h.run();
		expectOkFirst(h);
		expect(result.webhookResponse).toBeUndefined();
		const item = itemOf(result);
		expect(item).toEqual({
			event: 'purchase',
			type: 'purchase',
			saleID: '700001',
			transactionID: '900001',
			referenceID: 'order-1001',
			shopID: SHOP,
			amount: 19.99,
			amountString: '19.99',
			currency: 'EUR',
			paymentMethod: 'CC',
			custom1: 'user-42',
			custom2: 'plan gold',
			CCBrand: 'VISA',
			truncatedPAN: 'XXXXXXXXXXXX4242',
			idempotencyKey: `${SHOP}:700001:purchase:900001`,
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
			signatureAlgorithm: 'sha256',
			httpMethod: 'GET',
			params: { ...PURCHASE },
		});
		// Absent fields stay absent (not null).
		for (const absent of ['parentID', 'custom3', 'oneClickToken', 'subscriptionPhase', 'sale', 'saleLookup']) {
			expect(item).not.toHaveProperty(absent);
		}
		expect(item.params).not.toHaveProperty('signature');
		expect(h.ctx.getQueryData).not.toHaveBeenCalled();
		expect(h.ctx.getBodyData).not.toHaveBeenCalled();
		expect(h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('credit (refund): event credit with parentID', async () => {
		const h = harness({ query: signedQuery(CREDIT) });
		const item = itemOf(await h.run());
		expectOkFirst(h);
		expect(item).toMatchObject({ event: 'credit', parentID: '900001', transactionID: '900002', amount: 19.99, idempotencyKey: `${SHOP}:700001:credit:900002` });
	});

	it('chargeback: event chargeback, distinct idempotency key from the credit of the same sale', async () => {
		const h = harness({ query: signedQuery(CHARGEBACK) });
		const item = itemOf(await h.run());
		expectOkFirst(h);
		expect(item).toMatchObject({ event: 'chargeback', parentID: '900001', idempotencyKey: `${SHOP}:700001:chargeback:900003` });
	});

	it('subscription rebill: amount/currency fields and subscription fields', async () => {
		const h = harness({ query: signedQuery(REBILL) });
		const item = itemOf(await h.run());
		expectOkFirst(h);
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

	it('legacy SHA-1 signature is accepted by default and reported', async () => {
		const h = harness({ query: signedQuery(PURCHASE, 'sha1') });
		const item = itemOf(await h.run());
		expectOkFirst(h);
		expect(item.signatureAlgorithm).toBe('sha1');
	});

	it('legacy SHA-1 signature is refused with "Accept Legacy SHA-1 Signatures" off', async () => {
		const h = harness({ query: signedQuery(PURCHASE, 'sha1'), options: { allowSha1: false } });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
	});

	it('upper-case hex signature is accepted (as the official PHP client does)', async () => {
		const signed = sign(PURCHASE);
		const query = buildQueryString(Object.entries({ ...signed, signature: signed.signature.toUpperCase() }));
		const h = harness({ query });
		itemOf(await h.run());
		expectOkFirst(h);
	});

	it('verifies the raw bytes: non-ASCII values, + as space, and a static parameter of the configured URL', async () => {
		const params = { ...PURCHASE, custom3: 'Dščř & co = 100%', source: 'verotel' };
		const h = harness({ query: signedQuery(params) });
		const item = itemOf(await h.run());
		expectOkFirst(h);
		expect(item.custom3).toBe('Dščř & co = 100%');
		expect(item.params).toMatchObject({ source: 'verotel', custom2: 'plan gold' });
	});

	it('parameter order on the wire does not matter', async () => {
		const signed = sign(PURCHASE);
		const reversed = buildQueryString(Object.entries(signed).reverse());
		const h = harness({ query: reversed });
		itemOf(await h.run());
		expectOkFirst(h);
	});

	it('an unreadable amount keeps amountString and leaves amount out', async () => {
		const h = harness({ query: signedQuery({ ...PURCHASE, priceAmount: '19,99' }) });
		const item = itemOf(await h.run());
		expect(item.amountString).toBe('19,99');
		expect(item).not.toHaveProperty('amount');
	});
});

describe('rejected postbacks (no run, no OK)', () => {
	it('tampered amount -> 401 Unauthorized and a warning', async () => {
		const signed = sign(PURCHASE);
		const query = buildQueryString(Object.entries({ ...signed, priceAmount: '0.01' }));
		const h = harness({ query });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
		expect(h.logs).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringMatching(/signature does not match/) })]);
	});

	it('missing signature -> 401', async () => {
		const h = harness({ query: buildQueryString(Object.entries(PURCHASE)) });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
		expect(h.logs[0].message).toMatch(/without signature/);
	});

	it('empty signature -> 401', async () => {
		const h = harness({ query: `${buildQueryString(Object.entries(PURCHASE))}&signature=` });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
	});

	it('no parameters at all (someone opening the URL in a browser) -> 401', async () => {
		const h = harness({ query: '' });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
	});

	it('truncated, non-hex and other-key signatures -> 401', async () => {
		const good = sign(PURCHASE).signature;
		for (const signature of [good.slice(0, 63), `${good.slice(0, 63)}g`, computeSignature('anotherKey123', PURCHASE)]) {
			const h = harness({ query: buildQueryString(Object.entries({ ...PURCHASE, signature })) });
			expectRejected(h, await h.run(), 401, 'Unauthorized');
		}
	});

	it('postback of another shop (correctly signed) -> 403 Forbidden', async () => {
		const h = harness({ query: signedQuery({ ...PURCHASE, shopID: '111111' }) });
		expectRejected(h, await h.run(), 403, 'Forbidden');
		expect(h.logs[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('111111') });
	});

	it('duplicate parameter -> 400 with a short reason', async () => {
		const query = `${signedQuery(PURCHASE)}&saleID=700001`;
		const h = harness({ query });
		expectRejected(h, await h.run(), 400, /^Bad Request: Parameter "saleID" appears more than once$/);
	});

	it('duplicate signature parameter -> 400', async () => {
		const signed = sign(PURCHASE);
		const h = harness({ query: `${signedQuery(PURCHASE)}&signature=${signed.signature}` });
		expectRejected(h, await h.run(), 400, /appears more than once/);
	});

	it('invalid UTF-8 escape -> 400', async () => {
		const h = harness({ query: `${signedQuery(PURCHASE)}&custom3=%C3%28` });
		expectRejected(h, await h.run(), 400, /not valid UTF-8/);
	});

	it('raw non-UTF-8 byte in the request target -> 400', async () => {
		// Node hands raw bytes of the request line over as latin1 characters.
		const h = harness({ query: `${signedQuery(PURCHASE)}&custom3=\xff` });
		expectRejected(h, await h.run(), 400, /not valid UTF-8/);
	});

	it('raw UTF-8 bytes in the request target are decoded, not mangled', async () => {
		const params = { ...PURCHASE, custom3: 'Dščř' };
		const query = `${buildQueryString(Object.entries(sign(params))).replace(/custom3=[^&]*/, `custom3=${Buffer.from('Dščř', 'utf8').toString('latin1')}`)}`;
		const h = harness({ query });
		const item = itemOf(await h.run());
		expect(item.custom3).toBe('Dščř');
	});

	it('control characters -> 400', async () => {
		for (const escape of ['%0A', '%00', '%1B', '%7F', '%C2%85']) {
			const h = harness({ query: signedQuery(PURCHASE).replace('custom1=user-42', `custom1=user${escape}42`) });
			expectRejected(h, await h.run(), 400, /control characters/);
		}
	});

	it('array syntax and incomplete escapes -> 400', async () => {
		for (const extra of ['items[]=a', 'custom3=100%', 'custom3=%G1']) {
			const h = harness({ query: `${signedQuery(PURCHASE)}&${extra}` });
			expectRejected(h, await h.run(), 400, /^Bad Request: /);
		}
	});

	it('the 400 reason is printable and short even for hostile parameter names', async () => {
		const hostile = `${'%E2%80%AE<script>'.repeat(40)}=1`;
		const h = harness({ query: `${signedQuery(PURCHASE)}&${hostile}` });
		const result = await h.run();
		expectRejected(h, result, 400, /^Bad Request: /);
		expect(h.res.body!.length).toBeLessThanOrEqual(220);
		expect(h.res.body).not.toMatch(/[\x00-\x1f\x7f]/);
	});
});

describe('misconfigured credential -> 503, never 500', () => {
	it('empty signature key', async () => {
		const h = harness({ query: signedQuery(PURCHASE), credentials: { shopId: SHOP, signatureKey: '   ' } });
		expectRejected(h, await h.run(), 503, 'Service Unavailable');
		expect(h.logs).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/fix the credential: Signature key is empty/) })]);
	});

	it('non-numeric shop ID', async () => {
		const h = harness({ query: signedQuery(PURCHASE), credentials: { shopId: 'my shop', signatureKey: KEY } });
		expectRejected(h, await h.run(), 503, 'Service Unavailable');
		expect(h.logs[0].level).toBe('error');
	});

	it('credential cannot be loaded', async () => {
		const h = harness({ query: signedQuery(PURCHASE), credentials: new Error('Node does not have any credentials set for "verotelFlexPayApi"') });
		expectRejected(h, await h.run(), 503, 'Service Unavailable');
		expect(h.logs).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('does not have any credentials set') })]);
	});

	it('a key with surrounding whitespace (pasted from Control Center) still verifies', async () => {
		const h = harness({ query: signedQuery(PURCHASE), credentials: { shopId: ` ${SHOP} `, signatureKey: `${KEY}\n` } });
		itemOf(await h.run());
		expectOkFirst(h);
	});
});

describe('POST form bodies', () => {
	it('verifies the raw form body n8n already read', async () => {
		const h = harness({ method: 'POST', body: signedQuery(CREDIT), contentType: 'application/x-www-form-urlencoded' });
		const item = itemOf(await h.run());
		expectOkFirst(h);
		expect(item).toMatchObject({ event: 'credit', httpMethod: 'POST' });
		expect(h.req.readRawBody).not.toHaveBeenCalled();
	});

	it('reads the body itself when n8n did not (readRawBody)', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), contentType: 'application/x-www-form-urlencoded; charset=utf-8', lazyBody: true });
		itemOf(await h.run());
		expect(h.req.readRawBody).toHaveBeenCalledTimes(1);
		expect(h.events.indexOf('readRawBody')).toBeLessThan(h.events.indexOf('send:OK'));
	});

	it('accepts a trailing newline after the form body', async () => {
		const h = harness({ method: 'POST', body: `${signedQuery(PURCHASE)}\r\n`, contentType: 'application/x-www-form-urlencoded' });
		itemOf(await h.run());
	});

	it('POST with an empty body falls back to the query string', async () => {
		const h = harness({ method: 'POST', query: signedQuery(PURCHASE), body: '' });
		const item = itemOf(await h.run());
		expect(item.httpMethod).toBe('POST');
	});

	it('JSON body -> 400', async () => {
		const h = harness({ method: 'POST', body: JSON.stringify(sign(PURCHASE)), contentType: 'application/json' });
		expectRejected(h, await h.run(), 400, /application\/x-www-form-urlencoded/);
	});

	it('parameters in both query and body -> 400', async () => {
		const h = harness({ method: 'POST', query: 'extra=1', body: signedQuery(PURCHASE), contentType: 'application/x-www-form-urlencoded' });
		expectRejected(h, await h.run(), 400, /either in the query string or in the body/);
	});

	it('body with invalid UTF-8 bytes -> 400', async () => {
		const body = Buffer.concat([Buffer.from(`${signedQuery(PURCHASE)}&custom3=`), Buffer.from([0xc3, 0x28])]);
		const h = harness({ method: 'POST', body, contentType: 'application/x-www-form-urlencoded' });
		expectRejected(h, await h.run(), 400, /request body is not valid UTF-8/);
	});

	it('unreadable body -> 400', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), lazyBody: true });
		h.req.readRawBody.mockRejectedValueOnce(new Error('Request body stream was aborted'));
		expectRejected(h, await h.run(), 400, 'Bad Request: The request body could not be read');
	});
});

describe('event filter', () => {
	it('a deselected event is answered OK and starts no run', async () => {
		const h = harness({ query: signedQuery(CREDIT), options: { events: ['purchase'] } });
		const result = await h.run();
		expect(result).toEqual({ noWebhookResponse: true });
		expectOkFirst(h);
		expect(h.staticData[REMEMBERED_KEYS_FIELD]).toBeUndefined();
	});

	it('a selected event starts a run', async () => {
		const h = harness({ query: signedQuery(PURCHASE), options: { events: ['purchase', 'chargeback'] } });
		itemOf(await h.run());
	});

	it('an event this version does not know counts as "other" (selected by default)', async () => {
		const unknown = { ...CREDIT, event: 'PartialRefund' };
		const run = await harness({ query: signedQuery(unknown) }).run();
		expect(itemOf(run).event).toBe('partialrefund');

		const h = harness({ query: signedQuery(unknown), options: { events: ['credit', 'purchase'] } });
		expect(await h.run()).toEqual({ noWebhookResponse: true });
		expect(h.res.body).toBe('OK');
	});

	it('an empty selection answers every valid postback OK without runs', async () => {
		const h = harness({ query: signedQuery(PURCHASE), options: { events: [] } });
		expect(await h.run()).toEqual({ noWebhookResponse: true });
		expect(h.res.body).toBe('OK');
	});
});

describe('repeated postbacks', () => {
	it('a repeat of the same idempotency key is answered OK and starts no run', async () => {
		const staticData: IDataObject = {};
		const first = harness({ query: signedQuery(PURCHASE), staticData });
		itemOf(await first.run());
		const again = harness({ query: signedQuery(PURCHASE, 'sha1'), staticData });
		expect(await again.run()).toEqual({ noWebhookResponse: true });
		expectOkFirst(again);
		expect(again.logs).toEqual([expect.objectContaining({ level: 'info', message: expect.stringMatching(/already received/) })]);
		expect(staticData[REMEMBERED_KEYS_FIELD]).toEqual([`${SHOP}:700001:purchase:900001`]);
	});

	it('a refund of the same sale is not a repeat', async () => {
		const staticData: IDataObject = {};
		itemOf(await harness({ query: signedQuery(PURCHASE), staticData }).run());
		itemOf(await harness({ query: signedQuery(CREDIT), staticData }).run());
		itemOf(await harness({ query: signedQuery(CHARGEBACK), staticData }).run());
		expect(staticData[REMEMBERED_KEYS_FIELD]).toHaveLength(3);
	});

	it('with "Ignore Repeated Postbacks" off every delivery runs and nothing is stored', async () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < 2; i++) itemOf(await harness({ query: signedQuery(PURCHASE), staticData, options: { ignoreRepeats: false } }).run());
		expect(staticData).toEqual({});
	});

	it('the store stays bounded: newest 1,000 keys, oldest dropped first', async () => {
		const staticData: IDataObject = {};
		const total = MAX_REMEMBERED_KEYS + 5;
		for (let i = 0; i < total; i++) {
			itemOf(await harness({ query: signedQuery({ ...PURCHASE, saleID: String(800000 + i), transactionID: String(i) }), staticData }).run());
		}
		const keys = staticData[REMEMBERED_KEYS_FIELD] as string[];
		expect(keys).toHaveLength(MAX_REMEMBERED_KEYS);
		expect(keys[0]).toBe(`${SHOP}:800005:purchase:5`);
		expect(keys[keys.length - 1]).toBe(`${SHOP}:${800000 + total - 1}:purchase:${total - 1}`);
		// The oldest key was forgotten, so its redelivery runs again; a recent one does not.
		itemOf(await harness({ query: signedQuery({ ...PURCHASE, saleID: '800000', transactionID: '0' }), staticData }).run());
		expect(await harness({ query: signedQuery({ ...PURCHASE, saleID: '800010', transactionID: '10' }), staticData }).run()).toEqual({ noWebhookResponse: true });
	});

	it("marks n8n's observable static data as changed only when a key is added (so n8n saves it)", async () => {
		// What Workflow.getStaticData('node') hands out: a child of the observable root.
		const root = ObservableObject.create({}) as IDataObject & IObservableObject;
		const nodeData = ObservableObject.create({}, root) as IDataObject;
		itemOf(await harness({ query: signedQuery(PURCHASE), staticData: nodeData }).run());
		expect(root.__dataChanged).toBe(true);
		root.__dataChanged = false;
		await harness({ query: signedQuery(PURCHASE), staticData: nodeData }).run();
		expect(root.__dataChanged).toBe(false);
	});

	it('in-flight repeats (static data not yet saved by n8n) are suppressed within the same trigger only', async () => {
		const first = harness({ query: signedQuery(PURCHASE), workflowId: 'wf-shared' });
		itemOf(await first.run());
		// Fresh static data, as when n8n loads the workflow before the first request's save.
		const again = harness({ query: signedQuery(PURCHASE), workflowId: 'wf-shared' });
		expect(await again.run()).toEqual({ noWebhookResponse: true });
		expect(again.res.body).toBe('OK');
		// Another workflow with the same shop is not affected.
		itemOf(await harness({ query: signedQuery(PURCHASE), workflowId: 'wf-other' }).run());
	});

	it('test mode (manual): repeats run again and nothing is stored', async () => {
		const staticData: IDataObject = { [REMEMBERED_KEYS_FIELD]: [`${SHOP}:700001:purchase:900001`] };
		for (let i = 0; i < 2; i++) itemOf(await harness({ query: signedQuery(PURCHASE), staticData, mode: 'manual', workflowId: 'wf-test' }).run());
		expect(staticData[REMEMBERED_KEYS_FIELD]).toEqual([`${SHOP}:700001:purchase:900001`]);
	});

	it('if the static data cannot be read, the valid postback still gets OK and a run (no 500)', async () => {
		const h = harness({ query: signedQuery(PURCHASE) });
		h.ctx.getWorkflowStaticData.mockImplementation(() => {
			throw new Error('static data unavailable');
		});
		itemOf(await h.run());
		expectOkFirst(h);
		expect(h.logs).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/could not check for a repeated postback/) })]);
	});

	it('tolerates a corrupted store', async () => {
		const staticData: IDataObject = { [REMEMBERED_KEYS_FIELD]: 'not a list' };
		itemOf(await harness({ query: signedQuery(PURCHASE), staticData }).run());
		expect(staticData[REMEMBERED_KEYS_FIELD]).toEqual([`${SHOP}:700001:purchase:900001`]);
	});
});

describe('credential cache: read once per trigger, re-read whenever it would reject', () => {
	const ROTATED_KEY = 'rotatedKeyFromControlCenter42';

	test('a second postback to the same trigger does not read the credential again', async () => {
		const first = harness({ query: signedQuery(PURCHASE), workflowId: 'wf-cache-1' });
		itemOf(await first.run());
		const second = harness({ query: signedQuery({ ...PURCHASE, saleID: '700002', transactionID: '900002' }), workflowId: 'wf-cache-1' });
		itemOf(await second.run());
		expect(first.ctx.getCredentials).toHaveBeenCalledTimes(1);
		expect(second.ctx.getCredentials).not.toHaveBeenCalled();
	});

	test('a rotated key takes effect with the very next postback, and the old key is then refused', async () => {
		itemOf(await harness({ query: signedQuery(PURCHASE), workflowId: 'wf-cache-2' }).run());
		const rotated = { shopId: SHOP, signatureKey: ROTATED_KEY, brand: 'verotel', baseUrl: '' };
		const withNewKey = harness({
			query: signedQuery({ ...PURCHASE, saleID: '700003', transactionID: '900003' }, 'sha256', ROTATED_KEY),
			workflowId: 'wf-cache-2',
			credentials: rotated,
		});
		expect(itemOf(await withNewKey.run()).saleID).toBe('700003');
		expect(withNewKey.ctx.getCredentials).toHaveBeenCalledTimes(1);
		const withOldKey = harness({ query: signedQuery({ ...PURCHASE, saleID: '700004', transactionID: '900004' }), workflowId: 'wf-cache-2', credentials: rotated });
		const result = await withOldKey.run();
		expect(result.workflowData).toBeUndefined();
		expect(withOldKey.res.statusCode).toBe(401);
		expect(withOldKey.ctx.getCredentials).toHaveBeenCalledTimes(1);
	});

	test('another credential on the same trigger is a different cache entry', async () => {
		const h = harness({ query: signedQuery(PURCHASE), workflowId: 'wf-cache-3' });
		itemOf(await h.run());
		h.ctx.getNode.mockReturnValue({ ...h.ctx.getNode(), credentials: { verotelFlexPayApi: { id: 'other', name: 'Other shop' } } });
		h.res.statusCode = undefined;
		await h.run();
		expect(h.ctx.getCredentials).toHaveBeenCalledTimes(2);
	});
});
