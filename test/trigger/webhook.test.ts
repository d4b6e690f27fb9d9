/**
 * webhook(): what the trigger answers itself (rejections, deselected events)
 * and what it hands to n8n (a valid postback: n8n sends the description's
 * responseData "OK" once it has stored the execution).
 */
import { buildQueryString, computeSignature } from '../../lib';
import { REPEAT_STORE_FIELD } from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import { MAX_BODY_BYTES, readSignedPayload } from '../../nodes/VerotelFlexPayTrigger/request';
import { CHARGEBACK, CREDIT, idempotencyOf, KEY, PURCHASE, REBILL, SHOP, sign, signedQuery } from './fixtures';
import { forgetTriggerState, harness, itemOf, type Harness } from './webhook-harness';

beforeEach(forgetTriggerState);

/** A run: the node wrote no status and no body, only the content type n8n's OK goes out with. */
function expectHandedToN8n(h: Harness): void {
	expect(h.res.sendCount).toBe(0);
	expect(h.res.headersSent).toBe(false);
	expect(h.res.statusCode).toBeUndefined();
	expect(h.res.body).toBeUndefined();
	expect(h.res.contentType).toBe('text/plain');
	expect(h.events.filter((e) => /^(status|send):/.test(e))).toEqual([]);
	expect(h.events.indexOf('type:text/plain')).toBeLessThan(h.events.indexOf('resolved'));
}

/** No run: the node itself answered OK, before webhook() resolved. */
function expectOkWrittenByNode(h: Harness, result: object): void {
	expect(result).toEqual({ noWebhookResponse: true });
	expect(h.res).toMatchObject({ statusCode: 200, contentType: 'text/plain', body: 'OK', sendCount: 1 });
	expect(h.events.filter((e) => /^(status|type|send):/.test(e))).toEqual(['status:200', 'type:text/plain', 'send:OK']);
	expect(h.events.indexOf('send:OK')).toBeLessThan(h.events.indexOf('resolved'));
}

function expectRejected(h: Harness, result: { noWebhookResponse?: boolean; workflowData?: unknown; webhookResponse?: unknown }, status: number, body: string | RegExp): void {
	expect(result).toEqual({ noWebhookResponse: true });
	expect(result.workflowData).toBeUndefined();
	expect(result.webhookResponse).toBeUndefined();
	expect(h.res.statusCode).toBe(status);
	expect(h.res.contentType).toBe('text/plain');
	if (typeof body === 'string') expect(h.res.body).toBe(body);
	else expect(h.res.body).toMatch(body);
	expect(h.res.sendCount).toBe(1);
}

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
			shopID: SHOP,
			amount: 19.99,
			amountString: '19.99',
			currency: 'EUR',
			paymentMethod: 'CC',
			custom1: 'user-42',
			custom2: 'plan gold',
			CCBrand: 'VISA',
			truncatedPAN: 'XXXXXXXXXXXX4242',
			// A one-off purchase: access without an end.
			access: { action: 'grant', saleID: '700001' },
			// A sale opens once: the key names the sale and the event, nothing else.
			idempotencyKey: `${SHOP}:700001:purchase`,
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
		expect(item).toMatchObject({ event: 'credit', parentID: '900001', transactionID: '900002', amount: 19.99 });
		expect(item.idempotencyKey).toMatch(new RegExp(`^${SHOP}:700001:credit:[0-9a-f]{20}$`));
		expect(item.idempotencyKey).toBe(idempotencyOf(CREDIT).key);
	});

	it('chargeback: event chargeback, distinct idempotency key from the credit of the same sale', async () => {
		const h = harness({ query: signedQuery(CHARGEBACK) });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item).toMatchObject({ event: 'chargeback', parentID: '900001' });
		expect(item.idempotencyKey).toMatch(new RegExp(`^${SHOP}:700001:chargeback:[0-9a-f]{20}$`));
		expect(item.idempotencyKey).toBe(idempotencyOf(CHARGEBACK).key);
		expect(item.idempotencyKey).not.toBe(idempotencyOf(CREDIT).key);
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
		expect(rebill.access).toEqual({ action: 'extend', until: '2026-01-31', saleID: '700002' });
		const credit = itemOf(await harness({ query: signedQuery(CREDIT) }).run());
		expect(credit.access).toEqual({ action: 'revoke', saleID: '700001' });
		const upgrade = { event: 'upgrade', shopID: SHOP, saleID: '700003', precededBySaleID: '700002', type: 'upgradesubscription', expiresOn: '2026-03-31' };
		const upgraded = itemOf(await harness({ query: signedQuery(upgrade) }).run());
		expect(upgraded).toMatchObject({ event: 'upgrade', precededBySaleID: '700002', expiresOn: '2026-03-31' });
		expect(upgraded.access).toEqual({ action: 'grant', until: '2026-03-31', saleID: '700003', replacesSaleID: '700002' });
		const unknown = itemOf(await harness({ query: signedQuery({ ...CREDIT, event: 'partialvoid' }) }).run());
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
		const query = buildQueryString(Object.entries({ ...signed, signature: signed.signature.toUpperCase() }));
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

describe('rejected postbacks (no run, no OK): answered by the node itself', () => {
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

	it('rejections are never tracked as deliveries in flight (no close listener)', async () => {
		const h = harness({ query: buildQueryString(Object.entries(PURCHASE)) });
		await h.run();
		expect(h.events).not.toContain('listen:close');
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
		expectHandedToN8n(h);
	});
});

describe('POST form bodies', () => {
	const FORM = 'application/x-www-form-urlencoded';

	it('verifies the raw form body n8n already read', async () => {
		const h = harness({ method: 'POST', body: signedQuery(CREDIT), contentType: FORM });
		const item = itemOf(await h.run());
		expectHandedToN8n(h);
		expect(item).toMatchObject({ event: 'credit', httpMethod: 'POST' });
		expect(h.req.readRawBody).not.toHaveBeenCalled();
	});

	it('reads the body itself when n8n did not (readRawBody)', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), contentType: `${FORM}; charset=utf-8`, lazyBody: true });
		itemOf(await h.run());
		expect(h.req.readRawBody).toHaveBeenCalledTimes(1);
		expect(h.events.indexOf('readRawBody')).toBeLessThan(h.events.indexOf('type:text/plain'));
	});

	it('accepts text/plain and no content type, and content types in any letter case', async () => {
		for (const contentType of ['text/plain', undefined, 'Application/X-WWW-Form-Urlencoded; Charset=UTF-8']) {
			const h = harness({ method: 'POST', body: signedQuery(PURCHASE), contentType });
			expect(itemOf(await h.run()).httpMethod).toBe('POST');
		}
	});

	it('accepts a trailing newline after the form body', async () => {
		const h = harness({ method: 'POST', body: `${signedQuery(PURCHASE)}\r\n`, contentType: FORM });
		itemOf(await h.run());
	});

	it('a valid form body followed by 5,000 CR/LF pairs (within the limit) still verifies', async () => {
		const body = `${signedQuery(PURCHASE)}${'\r\n'.repeat(5000)}`;
		expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
		const h = harness({ method: 'POST', body, contentType: FORM });
		const item = itemOf(await h.run());
		expect(item.params).toEqual(PURCHASE);
	});

	it('a body of exactly MAX_BODY_BYTES bytes is read; one byte more is refused', async () => {
		const form = signedQuery(PURCHASE);
		const atLimit = `${form}${'\n'.repeat(MAX_BODY_BYTES - form.length)}`;
		expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY_BYTES);
		itemOf(await harness({ method: 'POST', body: atLimit, contentType: FORM }).run());

		const h = harness({ method: 'POST', body: `${atLimit}\n`, contentType: FORM });
		expectRejected(h, await h.run(), 400, `Bad Request: The request body is larger than ${MAX_BODY_BYTES} bytes`);
	});

	it('1,000,000 newlines -> 400 naming the limit', async () => {
		const h = harness({ method: 'POST', body: Buffer.alloc(1_000_000, '\n'), contentType: FORM });
		expectRejected(h, await h.run(), 400, `Bad Request: The request body is larger than ${MAX_BODY_BYTES} bytes`);
		expect(h.res.body).toContain(String(MAX_BODY_BYTES));
	});

	it('an oversized body is refused before it is decoded (its invalid UTF-8 is never reported)', async () => {
		const body = Buffer.concat([Buffer.alloc(MAX_BODY_BYTES, '\n'), Buffer.from([0xc3, 0x28])]);
		const h = harness({ method: 'POST', body, contentType: FORM });
		expectRejected(h, await h.run(), 400, /larger than/);
		// The same bytes within the limit are decoded, and refused for what they are.
		const small = harness({ method: 'POST', body: Buffer.from([0x61, 0x3d, 0xc3, 0x28]), contentType: FORM });
		expectRejected(small, await small.run(), 400, /not valid UTF-8/);
	});

	it('a Content-Length above MAX_BODY_BYTES -> 400 without reading the body', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), contentType: FORM, contentLength: MAX_BODY_BYTES + 1, lazyBody: true });
		expectRejected(h, await h.run(), 400, `Bad Request: The request body is larger than ${MAX_BODY_BYTES} bytes`);
		expect(h.req.readRawBody).not.toHaveBeenCalled();
		expect(h.ctx.getCredentials).not.toHaveBeenCalled();
	});

	it('a Content-Length of exactly MAX_BODY_BYTES is read', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), contentType: FORM, contentLength: MAX_BODY_BYTES, lazyBody: true });
		itemOf(await h.run());
		expect(h.req.readRawBody).toHaveBeenCalledTimes(1);
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

	it('a JSON content type is refused even with an empty body and a signed query', async () => {
		const h = harness({ method: 'POST', query: signedQuery(PURCHASE), body: '', contentType: 'application/json' });
		expectRejected(h, await h.run(), 400, 'Bad Request: A POST body must be application/x-www-form-urlencoded');
	});

	it('the content type is checked before the body is read', async () => {
		const h = harness({ method: 'POST', body: JSON.stringify(sign(PURCHASE)), contentType: 'application/json', lazyBody: true });
		expectRejected(h, await h.run(), 400, /application\/x-www-form-urlencoded/);
		expect(h.req.readRawBody).not.toHaveBeenCalled();
	});

	it('a GET is verified from its query whatever content type it claims', async () => {
		const h = harness({ query: signedQuery(PURCHASE), contentType: 'application/json', contentLength: MAX_BODY_BYTES * 10 });
		expect(itemOf(await h.run()).httpMethod).toBe('GET');
	});

	it('parameters in both query and body -> 400', async () => {
		const h = harness({ method: 'POST', query: 'extra=1', body: signedQuery(PURCHASE), contentType: FORM });
		expectRejected(h, await h.run(), 400, /either in the query string or in the body/);
	});

	it('body with invalid UTF-8 bytes -> 400', async () => {
		const body = Buffer.concat([Buffer.from(`${signedQuery(PURCHASE)}&custom3=`), Buffer.from([0xc3, 0x28])]);
		const h = harness({ method: 'POST', body, contentType: FORM });
		expectRejected(h, await h.run(), 400, /request body is not valid UTF-8/);
	});

	it('unreadable body -> 400', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), lazyBody: true });
		h.req.readRawBody.mockRejectedValueOnce(new Error('Request body stream was aborted'));
		expectRejected(h, await h.run(), 400, 'Bad Request: The request body could not be read');
	});
});

describe('readSignedPayload (request.ts)', () => {
	it('returns the raw form body, or the query when the body is empty', async () => {
		const form = signedQuery(PURCHASE);
		await expect(readSignedPayload({ method: 'POST', url: '/w', headers: {}, rawBody: `${form}\r\n\r\n` })).resolves.toEqual({ raw: form, source: 'body' });
		await expect(readSignedPayload({ method: 'POST', url: `/w?${form}`, headers: {}, rawBody: '\r\n' })).resolves.toEqual({ raw: form, source: 'query' });
		await expect(readSignedPayload({ method: 'GET', originalUrl: `/w?${form}`, url: '/ignored' })).resolves.toEqual({ raw: form, source: 'query' });
	});

	it('a string body longer than MAX_BODY_BYTES is refused as well', async () => {
		await expect(readSignedPayload({ method: 'POST', url: '/w', rawBody: '\n'.repeat(MAX_BODY_BYTES + 1) })).rejects.toThrow(`larger than ${MAX_BODY_BYTES} bytes`);
	});

	it('never reads an oversized or wrongly typed body', async () => {
		const readRawBody = jest.fn(async () => undefined);
		await expect(
			readSignedPayload({ method: 'POST', url: '/w', headers: { 'content-length': String(MAX_BODY_BYTES + 1) }, readRawBody }),
		).rejects.toThrow(/larger than/);
		await expect(readSignedPayload({ method: 'POST', url: '/w', headers: { 'content-type': 'application/json' }, readRawBody })).rejects.toThrow(
			/x-www-form-urlencoded/,
		);
		expect(readRawBody).not.toHaveBeenCalled();
	});
});

describe('event filter', () => {
	it('a deselected event is answered OK by the node and starts no run, nothing is stored', async () => {
		const h = harness({ query: signedQuery(CREDIT), options: { events: ['purchase'] } });
		const result = await h.run();
		expectOkWrittenByNode(h, result);
		expect(h.staticData[REPEAT_STORE_FIELD]).toBeUndefined();
		expect(h.events).not.toContain('listen:close');
	});

	it('a selected event starts a run', async () => {
		const h = harness({ query: signedQuery(PURCHASE), options: { events: ['purchase', 'chargeback'] } });
		itemOf(await h.run());
		expectHandedToN8n(h);
	});

	it('an event this version does not know counts as "other" (selected by default)', async () => {
		const unknown = { ...CREDIT, event: 'PartialRefund' };
		const run = await harness({ query: signedQuery(unknown) }).run();
		expect(itemOf(run).event).toBe('partialrefund');

		const h = harness({ query: signedQuery(unknown), options: { events: ['credit', 'purchase'] } });
		expectOkWrittenByNode(h, await h.run());
	});

	it('an empty selection answers every valid postback OK without runs', async () => {
		const h = harness({ query: signedQuery(PURCHASE), options: { events: [] } });
		expectOkWrittenByNode(h, await h.run());
	});

	it('a deselected event is answered by the node also with "Answer OK" = when the workflow starts', async () => {
		const h = harness({ query: signedQuery(CREDIT), options: { events: ['purchase'], answerOk: 'whenRunStarts' } });
		expectOkWrittenByNode(h, await h.run());
	});
});
