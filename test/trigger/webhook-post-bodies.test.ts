/**
 * webhook() on POST form bodies: the raw body is what is verified, read
 * (readRawBody) when n8n did not, refused above MAX_BODY_BYTES before it is
 * read or decoded, and refused in any other content type; readSignedPayload()
 * of request.ts on its own.
 */
import { MAX_BODY_BYTES, readSignedPayload } from '../../lib/postbackRequest';
import { CREDIT, PURCHASE, sign, signedQuery } from './fixtures';
import { expectHandedToN8n, expectRejected } from './webhook-answers';
import { forgetTriggerState, harness, itemOf } from './webhook-harness';

beforeEach(forgetTriggerState);

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
		const h = harness({
			method: 'POST',
			body: signedQuery(PURCHASE),
			contentType: `${FORM}; charset=utf-8`,
			lazyBody: true,
		});
		itemOf(await h.run());
		expect(h.req.readRawBody).toHaveBeenCalledTimes(1);
		expect(h.events.indexOf('readRawBody')).toBeLessThan(h.events.indexOf('type:text/plain'));
	});

	it('accepts text/plain and no content type, and content types in any letter case', async () => {
		for (const contentType of [
			'text/plain',
			undefined,
			'Application/X-WWW-Form-Urlencoded; Charset=UTF-8',
		]) {
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
		expectRejected(
			h,
			await h.run(),
			400,
			`Bad Request: The request body is larger than ${MAX_BODY_BYTES} bytes`,
		);
	});

	it('1,000,000 newlines -> 400 naming the limit', async () => {
		const h = harness({ method: 'POST', body: Buffer.alloc(1_000_000, '\n'), contentType: FORM });
		expectRejected(
			h,
			await h.run(),
			400,
			`Bad Request: The request body is larger than ${MAX_BODY_BYTES} bytes`,
		);
		expect(h.res.body).toContain(String(MAX_BODY_BYTES));
	});

	it('an oversized body is refused before it is decoded (its invalid UTF-8 is never reported)', async () => {
		const body = Buffer.concat([Buffer.alloc(MAX_BODY_BYTES, '\n'), Buffer.from([0xc3, 0x28])]);
		const h = harness({ method: 'POST', body, contentType: FORM });
		expectRejected(h, await h.run(), 400, /larger than/);
		// The same bytes within the limit are decoded, and refused for what they are.
		const small = harness({
			method: 'POST',
			body: Buffer.from([0x61, 0x3d, 0xc3, 0x28]),
			contentType: FORM,
		});
		expectRejected(small, await small.run(), 400, /not valid UTF-8/);
	});

	it('a Content-Length above MAX_BODY_BYTES -> 400 without reading the body', async () => {
		const h = harness({
			method: 'POST',
			body: signedQuery(PURCHASE),
			contentType: FORM,
			contentLength: MAX_BODY_BYTES + 1,
			lazyBody: true,
		});
		expectRejected(
			h,
			await h.run(),
			400,
			`Bad Request: The request body is larger than ${MAX_BODY_BYTES} bytes`,
		);
		expect(h.req.readRawBody).not.toHaveBeenCalled();
		expect(h.ctx.getCredentials).not.toHaveBeenCalled();
	});

	it('a Content-Length of exactly MAX_BODY_BYTES is read', async () => {
		const h = harness({
			method: 'POST',
			body: signedQuery(PURCHASE),
			contentType: FORM,
			contentLength: MAX_BODY_BYTES,
			lazyBody: true,
		});
		itemOf(await h.run());
		expect(h.req.readRawBody).toHaveBeenCalledTimes(1);
	});

	it('POST with an empty body falls back to the query string', async () => {
		const h = harness({ method: 'POST', query: signedQuery(PURCHASE), body: '' });
		const item = itemOf(await h.run());
		expect(item.httpMethod).toBe('POST');
	});

	it('JSON body -> 400', async () => {
		const h = harness({
			method: 'POST',
			body: JSON.stringify(sign(PURCHASE)),
			contentType: 'application/json',
		});
		expectRejected(h, await h.run(), 400, /application\/x-www-form-urlencoded/);
	});

	it('a JSON content type is refused even with an empty body and a signed query', async () => {
		const h = harness({
			method: 'POST',
			query: signedQuery(PURCHASE),
			body: '',
			contentType: 'application/json',
		});
		expectRejected(
			h,
			await h.run(),
			400,
			'Bad Request: A POST body must be application/x-www-form-urlencoded',
		);
	});

	it('the content type is checked before the body is read', async () => {
		const h = harness({
			method: 'POST',
			body: JSON.stringify(sign(PURCHASE)),
			contentType: 'application/json',
			lazyBody: true,
		});
		expectRejected(h, await h.run(), 400, /application\/x-www-form-urlencoded/);
		expect(h.req.readRawBody).not.toHaveBeenCalled();
	});

	it('a GET is verified from its query whatever content type it claims', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			contentType: 'application/json',
			contentLength: MAX_BODY_BYTES * 10,
		});
		expect(itemOf(await h.run()).httpMethod).toBe('GET');
	});

	it('parameters in both query and body -> 400', async () => {
		const h = harness({
			method: 'POST',
			query: 'extra=1',
			body: signedQuery(PURCHASE),
			contentType: FORM,
		});
		expectRejected(h, await h.run(), 400, /either in the query string or in the body/);
	});

	it('body with invalid UTF-8 bytes -> 400', async () => {
		const body = Buffer.concat([
			Buffer.from(`${signedQuery(PURCHASE)}&custom3=`),
			Buffer.from([0xc3, 0x28]),
		]);
		const h = harness({ method: 'POST', body, contentType: FORM });
		expectRejected(h, await h.run(), 400, /request body is not valid UTF-8/);
	});

	it('unreadable body -> 400', async () => {
		const h = harness({ method: 'POST', body: signedQuery(PURCHASE), lazyBody: true });
		h.req.readRawBody.mockRejectedValueOnce(new Error('Request body stream was aborted'));
		expectRejected(h, await h.run(), 400, 'Bad Request: The request body could not be read');
	});
});

describe('readSignedPayload (lib/postbackRequest.ts)', () => {
	it('returns the raw form body, or the query when the body is empty', async () => {
		const form = signedQuery(PURCHASE);
		await expect(
			readSignedPayload({ method: 'POST', url: '/w', headers: {}, rawBody: `${form}\r\n\r\n` }),
		).resolves.toEqual({ raw: form, source: 'body' });
		await expect(
			readSignedPayload({ method: 'POST', url: `/w?${form}`, headers: {}, rawBody: '\r\n' }),
		).resolves.toEqual({ raw: form, source: 'query' });
		await expect(
			readSignedPayload({ method: 'GET', originalUrl: `/w?${form}`, url: '/ignored' }),
		).resolves.toEqual({ raw: form, source: 'query' });
	});

	it('a string body longer than MAX_BODY_BYTES is refused as well', async () => {
		await expect(
			readSignedPayload({ method: 'POST', url: '/w', rawBody: '\n'.repeat(MAX_BODY_BYTES + 1) }),
		).rejects.toThrow(`larger than ${MAX_BODY_BYTES} bytes`);
	});

	it('never reads an oversized or wrongly typed body', async () => {
		const readRawBody = jest.fn(async () => undefined);
		await expect(
			readSignedPayload({
				method: 'POST',
				url: '/w',
				headers: { 'content-length': String(MAX_BODY_BYTES + 1) },
				readRawBody,
			}),
		).rejects.toThrow(/larger than/);
		await expect(
			readSignedPayload({
				method: 'POST',
				url: '/w',
				headers: { 'content-type': 'application/json' },
				readRawBody,
			}),
		).rejects.toThrow(/x-www-form-urlencoded/);
		expect(readRawBody).not.toHaveBeenCalled();
	});
});
