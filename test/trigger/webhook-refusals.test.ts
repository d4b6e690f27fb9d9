/**
 * webhook() refusing a postback itself, without a run and without n8n's OK:
 * 401 for a signature that does not verify, 403 for another shop, 400 for a
 * malformed request, 503 for a credential that cannot verify anything.
 */
import { buildQueryString, computeSignature } from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { PURCHASE, sign, signedQuery } from './fixtures';
import { expectHandedToN8n, expectRejected } from './webhook-answers';
import { forgetTriggerState, harness, itemOf } from './webhook-harness';

beforeEach(forgetTriggerState);

describe('rejected postbacks (no run, no OK): answered by the node itself', () => {
	it('tampered amount -> 401 Unauthorized and a warning', async () => {
		const signed = sign(PURCHASE);
		const query = buildQueryString(Object.entries({ ...signed, priceAmount: '0.01' }));
		const h = harness({ query });
		expectRejected(h, await h.run(), 401, 'Unauthorized');
		expect(h.logs).toEqual([
			expect.objectContaining({
				level: 'warn',
				message: expect.stringMatching(/signature does not match/),
			}),
		]);
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
		for (const signature of [
			good.slice(0, 63),
			`${good.slice(0, 63)}g`,
			computeSignature('anotherKey123', PURCHASE),
		]) {
			const h = harness({ query: buildQueryString(Object.entries({ ...PURCHASE, signature })) });
			expectRejected(h, await h.run(), 401, 'Unauthorized');
		}
	});

	it('postback of another shop (correctly signed) -> 403 Forbidden', async () => {
		const h = harness({ query: signedQuery({ ...PURCHASE, shopID: '111111' }) });
		expectRejected(h, await h.run(), 403, 'Forbidden');
		expect(h.logs[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('111111') });
	});

	it('the signature is checked before the shop: an unsigned request for another shop gets 401, and its shop is not logged', async () => {
		for (const query of [
			buildQueryString(Object.entries({ ...PURCHASE, shopID: '111111' })),
			buildQueryString(
				Object.entries({ ...PURCHASE, shopID: '111111', signature: 'ab'.repeat(32) }),
			),
		]) {
			const h = harness({ query });
			expectRejected(h, await h.run(), 401, 'Unauthorized');
			expect(JSON.stringify(h.logs)).not.toContain('111111');
		}
	});

	it('a shopID that is not digits -> 400 naming shopID, quoting nothing of it', async () => {
		const h = harness({ query: signedQuery({ ...PURCHASE, shopID: 'x'.repeat(150) }) });
		expectRejected(h, await h.run(), 400, /^Bad Request: Parameter "shopID" is not a Verotel ID$/);
		expect(JSON.stringify(h.logs)).not.toContain('xxxx');
	});

	it('duplicate parameter -> 400 with a short reason', async () => {
		const query = `${signedQuery(PURCHASE)}&saleID=700001`;
		const h = harness({ query });
		expectRejected(
			h,
			await h.run(),
			400,
			/^Bad Request: Parameter "saleID" appears more than once$/,
		);
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
			const h = harness({
				query: signedQuery(PURCHASE).replace('custom1=user-42', `custom1=user${escape}42`),
			});
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
		expect(h.res.body).not.toMatch(/\p{Cc}/u);
	});
});

describe('misconfigured credential -> 503, never 500', () => {
	it('empty signature key', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			credentials: { shopId: TEST_SHOP_ID, signatureKey: '   ' },
		});
		expectRejected(h, await h.run(), 503, 'Service Unavailable');
		expect(h.logs).toEqual([
			expect.objectContaining({
				level: 'error',
				message: expect.stringMatching(/fix the credential: Signature key is empty/),
			}),
		]);
	});

	it('non-numeric shop ID', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			credentials: { shopId: 'my shop', signatureKey: TEST_SIGNATURE_KEY },
		});
		expectRejected(h, await h.run(), 503, 'Service Unavailable');
		expect(h.logs[0].level).toBe('error');
	});

	it('credential cannot be loaded', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			credentials: new Error('Node does not have any credentials set for "verotelFlexPayApi"'),
		});
		expectRejected(h, await h.run(), 503, 'Service Unavailable');
		expect(h.logs).toEqual([
			expect.objectContaining({
				level: 'error',
				message: expect.stringContaining('does not have any credentials set'),
			}),
		]);
	});

	it('a key with surrounding whitespace (pasted from Control Center) still verifies', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			credentials: { shopId: ` ${TEST_SHOP_ID} `, signatureKey: `${TEST_SIGNATURE_KEY}\n` },
		});
		itemOf(await h.run());
		expectHandedToN8n(h);
	});
});
