/**
 * "Ignore Repeated Postbacks" through webhook(), the first memory: the node's
 * static data (`lastPostbackKeys`, saved by n8n with the workflow). A repeat is
 * a postback whose idempotencyKey equals the last key accepted in its
 * idempotencyScope; it is answered OK by the node, without a run.
 *
 * Harnesses sharing `staticData` play n8n loading the saved static data for
 * the next request.
 */
import { ObservableObject, type IDataObject, type IObservableObject } from 'n8n-workflow';

import { buildPurchaseRequest, buildQueryString } from '../../lib';
import {
	MAX_REMEMBERED_SCOPES,
	REPEAT_STORE_FIELD,
} from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import {
	CANCEL,
	CHARGEBACK,
	CREDIT,
	idempotencyOf,
	KEY,
	PURCHASE,
	PURCHASE_REDIRECT,
	SHOP,
	signedQuery,
	UNCANCEL,
} from './fixtures';
import { expectAnsweredOkWithoutRun, expectRepeatLogged } from './webhook-answers';
import { forgetTriggerState, harness, itemOf, type CallOptions } from './webhook-harness';

beforeEach(forgetTriggerState);

/** Delivers one postback; true when it started a run. */
async function runs(call: CallOptions): Promise<boolean> {
	const h = harness(call);
	const result = await h.run();
	if (result.workflowData !== undefined) {
		itemOf(result);
		return true;
	}
	expectAnsweredOkWithoutRun(h, result);
	return false;
}

describe('repeated postbacks (the static data memory)', () => {
	it('stores { idempotencyScope: idempotencyKey }: one entry per sale opening, one for the other events of a sale', async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
		expect(await runs({ query: signedQuery(CREDIT), staticData })).toBe(true);
		const purchase = idempotencyOf(PURCHASE);
		const credit = idempotencyOf(CREDIT);
		expect(purchase).toEqual({ key: `${SHOP}:700001:purchase`, scope: `${SHOP}:700001:purchase` });
		expect(credit.scope).toBe(`${SHOP}:700001:events`);
		expect(staticData).toEqual({
			[REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key, [credit.scope]: credit.key },
		});
	});

	it(`${MAX_REMEMBERED_SCOPES} payment links signed with the key are refused and push no real sale out of the store`, async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
		for (let i = 0; i < MAX_REMEMBERED_SCOPES; i++) {
			const link = buildPurchaseRequest(
				{ shopId: SHOP, signatureKey: KEY },
				{ priceAmount: '49.99', priceCurrency: 'EUR', description: 'Video', referenceID: `r-${i}` },
			);
			const h = harness({ query: buildQueryString(Object.entries(link.params)), staticData });
			expect(await h.run()).toEqual({ noWebhookResponse: true });
			expect(h.res.statusCode).toBe(403);
		}
		expect(staticData[REPEAT_STORE_FIELD]).toEqual({
			[idempotencyOf(PURCHASE).scope]: idempotencyOf(PURCHASE).key,
		});
		// n8n restarted (nothing in memory): the real sale's redelivery is still a repeat.
		forgetTriggerState();
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(false);
	});

	it('a byte-identical redelivery of the latest event of a sale is answered OK by the node, without a run', async () => {
		const staticData: IDataObject = {};
		const query = signedQuery(CANCEL);
		expect(await runs({ query, staticData })).toBe(true);
		const again = harness({ query, staticData });
		const result = await again.run();
		expectAnsweredOkWithoutRun(again, result);
		expectRepeatLogged(again);
		// A repeat is not tracked as a delivery in flight and changes nothing.
		expect(again.events).not.toContain('listen:close');
		expect(staticData[REPEAT_STORE_FIELD]).toEqual({
			[idempotencyOf(CANCEL).scope]: idempotencyOf(CANCEL).key,
		});
	});

	it('the same postback signed with SHA-1 instead of SHA-256 is the same delivery', async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(CANCEL), staticData })).toBe(true);
		expect(await runs({ query: signedQuery(CANCEL, 'sha1'), staticData })).toBe(false);
	});

	it('cancel -> uncancel -> cancel of one sale (identical parameters for both cancels) runs three times', async () => {
		const staticData: IDataObject = {};
		expect(idempotencyOf(CANCEL).scope).toBe(idempotencyOf(UNCANCEL).scope);
		for (const params of [CANCEL, UNCANCEL, CANCEL])
			expect(await runs({ query: signedQuery(params), staticData })).toBe(true);
		// ... and a redelivery of the last cancel is a repeat.
		expect(await runs({ query: signedQuery(CANCEL), staticData })).toBe(false);
	});

	it('the success redirect of a purchase (no transactionID, CCBrand) sent after its postback starts no second run', async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
		const redirect = harness({ query: signedQuery(PURCHASE_REDIRECT), staticData });
		expectAnsweredOkWithoutRun(redirect, await redirect.run());
		expectRepeatLogged(redirect);
	});

	it('a purchase redelivered after a refund of the same sale is still a repeat (own scope)', async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
		expect(await runs({ query: signedQuery(CREDIT), staticData })).toBe(true);
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(false);
	});

	it('two credits of one sale with different transactionIDs run twice', async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(CREDIT), staticData })).toBe(true);
		expect(
			await runs({ query: signedQuery({ ...CREDIT, transactionID: '900004' }), staticData }),
		).toBe(true);
	});

	it('only the last event of a sale counts: an earlier one redelivered after a later one runs again', async () => {
		const staticData: IDataObject = {};
		for (const params of [CREDIT, CHARGEBACK, CREDIT])
			expect(await runs({ query: signedQuery(params), staticData })).toBe(true);
	});

	it('with "Ignore Repeated Postbacks" off every delivery runs, nothing is stored or tracked', async () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < 2; i++) {
			const h = harness({
				query: signedQuery(PURCHASE),
				staticData,
				options: { ignoreRepeats: false },
				workflowId: 'wf-off',
			});
			itemOf(await h.run());
			expect(h.events).not.toContain('listen:close');
		}
		expect(staticData).toEqual({});
	});

	it('test mode (manual, the test URL): every call runs and nothing is stored', async () => {
		const purchase = idempotencyOf(PURCHASE);
		const staticData: IDataObject = { [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } };
		for (let i = 0; i < 2; i++) {
			const h = harness({
				query: signedQuery(PURCHASE),
				staticData,
				mode: 'manual',
				workflowId: 'wf-test',
			});
			itemOf(await h.run());
			expect(h.events).not.toContain('listen:close');
		}
		for (let i = 0; i < 2; i++)
			itemOf(
				await harness({
					query: signedQuery(CREDIT),
					staticData,
					mode: 'manual',
					workflowId: 'wf-test',
				}).run(),
			);
		expect(staticData).toEqual({ [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } });
	});

	it(`stays bounded: at most ${MAX_REMEMBERED_SCOPES} scopes, the least recently accepted dropped first`, async () => {
		const scopeOf = (i: number) => `${SHOP}:${800000 + i}:events`;
		const store: Record<string, string> = {};
		for (let i = 0; i < MAX_REMEMBERED_SCOPES; i++) store[scopeOf(i)] = `${scopeOf(i)}-old-key`;
		const staticData: IDataObject = { [REPEAT_STORE_FIELD]: store };
		const credit = (saleID: string) => signedQuery({ ...CREDIT, saleID });

		// A new event of the oldest sale: accepted again, so it becomes the most recent; nothing dropped.
		expect(await runs({ query: credit('800000'), staticData })).toBe(true);
		let scopes = Object.keys(staticData[REPEAT_STORE_FIELD] as IDataObject);
		expect(scopes).toHaveLength(MAX_REMEMBERED_SCOPES);
		expect(scopes[scopes.length - 1]).toBe(scopeOf(0));

		// A new sale: the least recently accepted scope (now 800001) makes room.
		expect(await runs({ query: credit('900000'), staticData })).toBe(true);
		scopes = Object.keys(staticData[REPEAT_STORE_FIELD] as IDataObject);
		expect(scopes).toHaveLength(MAX_REMEMBERED_SCOPES);
		expect(scopes).not.toContain(scopeOf(1));
		expect(scopes.slice(-2)).toEqual([scopeOf(0), `${SHOP}:900000:events`]);
		expect(scopes[0]).toBe(scopeOf(2));

		// The re-accepted sale is still remembered, the dropped one is not.
		expect(await runs({ query: credit('800000'), staticData })).toBe(false);
		expect(await runs({ query: credit('900000'), staticData })).toBe(false);
	});

	it('the 0.1 field processedPostbackKeys is ignored and deleted on the first write, not by a repeat', async () => {
		const purchase = idempotencyOf(PURCHASE);
		const legacy = [`${SHOP}:700001:purchase:900001`];
		const staticData: IDataObject = {
			processedPostbackKeys: legacy,
			[REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key },
		};
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(false);
		expect(staticData.processedPostbackKeys).toBe(legacy);

		expect(await runs({ query: signedQuery(CREDIT), staticData })).toBe(true);
		expect(staticData).not.toHaveProperty('processedPostbackKeys');

		// A 0.1 key alone never makes a repeat.
		const old: IDataObject = { processedPostbackKeys: legacy };
		expect(await runs({ query: signedQuery(PURCHASE), staticData: old })).toBe(true);
		expect(old).toEqual({ [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } });
	});

	it("n8n's observable static data sees a new object only when something is added (so n8n saves it)", async () => {
		// What Workflow.getStaticData('node') hands out: a child of the observable root.
		const root = ObservableObject.create({}) as IDataObject & IObservableObject;
		const nodeData = ObservableObject.create({}, root) as IDataObject;
		itemOf(await harness({ query: signedQuery(PURCHASE), staticData: nodeData }).run());
		expect(root.__dataChanged).toBe(true);
		const first = nodeData[REPEAT_STORE_FIELD];

		root.__dataChanged = false;
		await harness({ query: signedQuery(PURCHASE), staticData: nodeData }).run();
		expect(root.__dataChanged).toBe(false);
		expect(nodeData[REPEAT_STORE_FIELD]).toBe(first);

		itemOf(await harness({ query: signedQuery(CREDIT), staticData: nodeData }).run());
		expect(root.__dataChanged).toBe(true);
		expect(nodeData[REPEAT_STORE_FIELD]).not.toBe(first);
		// The earlier object was not mutated.
		expect(first).toEqual({ [idempotencyOf(PURCHASE).scope]: idempotencyOf(PURCHASE).key });
	});

	it('static data saved and loaded as JSON (as n8n does) keeps the store working', async () => {
		let saved: IDataObject = {};
		for (const [params, expected] of [
			[CANCEL, true],
			[CANCEL, false],
			[UNCANCEL, true],
			[CANCEL, true],
		] as const) {
			const loaded = ObservableObject.create(
				JSON.parse(JSON.stringify(saved)) as IDataObject,
			) as IDataObject;
			expect(await runs({ query: signedQuery(params), staticData: loaded })).toBe(expected);
			saved = JSON.parse(JSON.stringify(loaded)) as IDataObject;
		}
	});

	it('tolerates a corrupted store', async () => {
		const purchase = idempotencyOf(PURCHASE);
		for (const corrupted of ['not an object', ['a', 'b'], null, 42]) {
			const staticData: IDataObject = { [REPEAT_STORE_FIELD]: corrupted as unknown as IDataObject };
			expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
			expect(staticData[REPEAT_STORE_FIELD]).toEqual({ [purchase.scope]: purchase.key });
		}
		// Entries that are not strings are dropped on the next write.
		const staticData: IDataObject = {
			[REPEAT_STORE_FIELD]: { broken: 1, [`${SHOP}:1:events`]: 'k' } as IDataObject,
		};
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
		expect(staticData[REPEAT_STORE_FIELD]).toEqual({
			[`${SHOP}:1:events`]: 'k',
			[purchase.scope]: purchase.key,
		});
	});

	it('if the static data cannot be read, the valid postback still gets its run (no 500), and the error is logged', async () => {
		const h = harness({ query: signedQuery(PURCHASE) });
		h.ctx.getWorkflowStaticData.mockImplementation(() => {
			throw new Error('static data unavailable');
		});
		itemOf(await h.run());
		expect(h.res.sendCount).toBe(0);
		expect(h.res.contentType).toBe('text/plain');
		expect(h.logs).toEqual([
			expect.objectContaining({
				level: 'error',
				message: expect.stringMatching(
					/could not check for a repeated postback, running the workflow anyway: static data unavailable/,
				),
			}),
		]);
	});
});
