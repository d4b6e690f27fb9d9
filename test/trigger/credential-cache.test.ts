/**
 * The credential cache through webhook(): read once per trigger, trusted only
 * to accept. A refusal that a changed credential could turn into an accept
 * (wrong signature, other shop, unusable credential) reads it again, at most
 * once per REREAD_INTERVAL_MS; refusals no credential can change (malformed
 * query, missing signature) never do. Harnesses sharing a workflowId are
 * deliveries to the same trigger; each has its own getCredentials mock.
 */
import { buildQueryString } from '../../lib';
import {
	CACHED_CREDENTIALS_TTL_MS,
	cacheCredentials,
	forgetCachedCredentials,
	getCachedCredentials,
	mayRereadCredentials,
	REREAD_INTERVAL_MS,
} from '../../nodes/VerotelFlexPayTrigger/credentialCache';
import { TEST_CREDENTIALS, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { PURCHASE, signedQuery } from './fixtures';
import { harness, itemOf, type CallOptions, type Harness } from './webhook-harness';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
/** The key the merchant rotated to: another key than TEST_SIGNATURE_KEY. */
const OTHER_SIGNATURE_KEY = 'rotatedKeyFromControlCenter42';
const ROTATED = { ...TEST_CREDENTIALS, signatureKey: OTHER_SIGNATURE_KEY };

let sale = 0;
/** A postback of a sale no other delivery in the test uses. */
function freshPurchase(key = TEST_SIGNATURE_KEY): string {
	sale++;
	return signedQuery(
		{ ...PURCHASE, saleID: String(710000 + sale), transactionID: String(910000 + sale) },
		'sha256',
		key,
	);
}

function forged(): string {
	return freshPurchase('not-the-key-of-this-shop');
}

async function deliver(
	call: CallOptions,
): Promise<Harness & { reads: number; status: number | undefined; ran: boolean }> {
	const h = harness({ workflowId: 'wf-cache', ...call });
	const result = await h.run();
	return Object.assign(h, {
		reads: h.ctx.getCredentials.mock.calls.length,
		status: h.res.statusCode,
		ran: result.workflowData !== undefined,
	});
}

beforeEach(() => {
	forgetCachedCredentials();
	jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
});
afterEach(() => jest.useRealTimers());

describe('credential cache', () => {
	test('a second postback to the same trigger does not read the credential again', async () => {
		const first = await deliver({ query: freshPurchase() });
		const second = await deliver({ query: freshPurchase() });
		expect([first.ran, first.reads]).toEqual([true, 1]);
		expect([second.ran, second.reads]).toEqual([true, 0]);
	});

	test('with a cached credential, a malformed query (400) never reads it again', async () => {
		await deliver({ query: freshPurchase() });
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS * 5);
		for (const query of [`${freshPurchase()}&saleID=1`, `${freshPurchase()}&custom3=%ZZ`]) {
			const h = await deliver({ query });
			expect([h.status, h.reads]).toEqual([400, 0]);
		}
	});

	test('with a cached credential, a missing signature (401 SIGNATURE_MISSING) never reads it again', async () => {
		await deliver({ query: freshPurchase() });
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS * 5);
		const h = await deliver({ query: buildQueryString(Object.entries(PURCHASE)) });
		expect([h.status, h.reads]).toEqual([401, 0]);
		expect(h.logs[0]).toMatchObject({
			meta: expect.objectContaining({ code: 'SIGNATURE_MISSING' }),
		});
	});

	test('a burst of wrong-signature postbacks (401) reads the credential at most once per REREAD_INTERVAL_MS', async () => {
		await deliver({ query: freshPurchase() });
		const burst = async (count: number) => {
			let reads = 0;
			for (let i = 0; i < count; i++) {
				const h = await deliver({ query: forged() });
				expect(h.status).toBe(401);
				reads += h.reads;
			}
			return reads;
		};
		// Right after the first read: none.
		expect(await burst(20)).toBe(0);
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS - 1);
		expect(await burst(5)).toBe(0);
		// Once the interval has passed: exactly one, then none again for a full interval.
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS);
		expect(await burst(20)).toBe(1);
		jest.setSystemTime(T0 + 2 * REREAD_INTERVAL_MS - 1);
		expect(await burst(5)).toBe(0);
		jest.setSystemTime(T0 + 2 * REREAD_INTERVAL_MS);
		expect(await burst(5)).toBe(1);
	});

	test('a postback of another shop (403) is throttled the same way', async () => {
		await deliver({ query: freshPurchase() });
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS);
		const reads = [];
		for (let i = 0; i < 5; i++) {
			const h = await deliver({
				query: signedQuery({ ...PURCHASE, shopID: '111111', saleID: String(720000 + i) }),
			});
			expect(h.status).toBe(403);
			reads.push(h.reads);
		}
		expect(reads).toEqual([1, 0, 0, 0, 0]);
	});

	test('after the key is changed, the new key is accepted once REREAD_INTERVAL_MS has passed since the last read', async () => {
		await deliver({ query: freshPurchase() });
		// The key was rotated in the credential; within the interval the cached key still decides.
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS - 1);
		const early = await deliver({
			query: freshPurchase(OTHER_SIGNATURE_KEY),
			credentials: ROTATED,
		});
		expect([early.ran, early.status, early.reads]).toEqual([false, 401, 0]);

		jest.setSystemTime(T0 + REREAD_INTERVAL_MS);
		const accepted = await deliver({
			query: freshPurchase(OTHER_SIGNATURE_KEY),
			credentials: ROTATED,
		});
		expect([accepted.ran, accepted.reads]).toEqual([true, 1]);
		// From now on the new key is the cached one, and the old key is refused.
		const next = await deliver({ query: freshPurchase(OTHER_SIGNATURE_KEY), credentials: ROTATED });
		expect([next.ran, next.reads]).toEqual([true, 0]);
		const old = await deliver({ query: freshPurchase(TEST_SIGNATURE_KEY), credentials: ROTATED });
		expect([old.ran, old.status]).toEqual([false, 401]);
	});

	test('a forged burst cannot keep a rotated key out for longer than REREAD_INTERVAL_MS', async () => {
		await deliver({ query: freshPurchase() });
		// Forged postbacks used up the re-read of this interval, before the key was rotated...
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS);
		expect((await deliver({ query: forged() })).reads).toBe(1);
		// ...so the first postback with the new key is refused, the first after the interval accepted.
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS + 10);
		expect(
			(await deliver({ query: freshPurchase(OTHER_SIGNATURE_KEY), credentials: ROTATED })).status,
		).toBe(401);
		jest.setSystemTime(T0 + 2 * REREAD_INTERVAL_MS);
		expect(
			(await deliver({ query: freshPurchase(OTHER_SIGNATURE_KEY), credentials: ROTATED })).ran,
		).toBe(true);
	});

	test('an old key stops being accepted at the latest CACHED_CREDENTIALS_TTL_MS after the credential was read', async () => {
		await deliver({ query: freshPurchase() });
		// A leaked key was replaced: the cache only trusts what it read for a limited time.
		jest.setSystemTime(T0 + CACHED_CREDENTIALS_TTL_MS - 1);
		const stillCached = await deliver({
			query: freshPurchase(TEST_SIGNATURE_KEY),
			credentials: ROTATED,
		});
		expect([stillCached.ran, stillCached.reads]).toEqual([true, 0]);
		jest.setSystemTime(T0 + CACHED_CREDENTIALS_TTL_MS);
		const expired = await deliver({
			query: freshPurchase(TEST_SIGNATURE_KEY),
			credentials: ROTATED,
		});
		expect([expired.ran, expired.status, expired.reads]).toEqual([false, 401, 1]);
		const newKey = await deliver({
			query: freshPurchase(OTHER_SIGNATURE_KEY),
			credentials: ROTATED,
		});
		expect([newKey.ran, newKey.reads]).toEqual([true, 0]);
	});

	test('a corrected credential takes effect once REREAD_INTERVAL_MS has passed, also after an unusable one (503)', async () => {
		const broken = await deliver({
			query: freshPurchase(),
			credentials: { shopId: TEST_SHOP_ID, signatureKey: '   ' },
		});
		expect([broken.status, broken.reads]).toEqual([503, 1]);
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS - 1);
		const tooSoon = await deliver({ query: freshPurchase() });
		expect([tooSoon.status, tooSoon.reads]).toEqual([503, 0]);
		jest.setSystemTime(T0 + REREAD_INTERVAL_MS);
		const fixed = await deliver({ query: freshPurchase() });
		expect([fixed.ran, fixed.reads]).toEqual([true, 1]);
	});

	test('a credential that cannot be loaded is not cached: the next postback reads it again', async () => {
		const failed = await deliver({
			query: freshPurchase(),
			credentials: new Error('credential store unavailable'),
		});
		expect([failed.status, failed.reads]).toEqual([503, 1]);
		const next = await deliver({ query: freshPurchase() });
		expect([next.ran, next.reads]).toEqual([true, 1]);
	});

	test('another credential on the same trigger is a different cache entry', async () => {
		const h = harness({ query: freshPurchase(), workflowId: 'wf-cache-3' });
		itemOf(await h.run());
		h.ctx.getNode.mockReturnValue({
			...h.ctx.getNode(),
			credentials: { verotelFlexPayApi: { id: 'other', name: 'Other shop' } },
		});
		await h.run();
		expect(h.ctx.getCredentials).toHaveBeenCalledTimes(2);
	});

	test('another trigger (workflow) has its own entry', async () => {
		await deliver({ query: freshPurchase() });
		expect((await deliver({ query: freshPurchase(), workflowId: 'wf-cache-other' })).reads).toBe(1);
	});
});

describe('credentialCache.ts', () => {
	const credentials = { shopId: '1', signatureKey: 'k' };

	test('an entry is served until it expires, then read afresh', () => {
		cacheCredentials('wf:node:cred', credentials, 1_000);
		expect(getCachedCredentials('wf:node:cred', 1_000 + CACHED_CREDENTIALS_TTL_MS - 1)).toBe(
			credentials,
		);
		expect(getCachedCredentials('wf:node:cred', 1_000 + CACHED_CREDENTIALS_TTL_MS)).toBeUndefined();
		expect(getCachedCredentials('wf:node:cred', 1_000)).toBeUndefined();
	});

	test('entries are per scope', () => {
		cacheCredentials('a', credentials, 0);
		expect(getCachedCredentials('b', 0)).toBeUndefined();
	});

	test('mayRereadCredentials: true without an entry, then once REREAD_INTERVAL_MS has passed since the last read', () => {
		expect(mayRereadCredentials('s', 0)).toBe(true);
		cacheCredentials('s', credentials, 5_000);
		expect(mayRereadCredentials('s', 5_000 + REREAD_INTERVAL_MS - 1)).toBe(false);
		expect(mayRereadCredentials('s', 5_000 + REREAD_INTERVAL_MS)).toBe(true);
	});
});
