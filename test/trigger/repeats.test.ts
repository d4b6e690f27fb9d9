/**
 * "Ignore Repeated Postbacks" through webhook(): a repeat is a postback whose
 * idempotencyKey equals the last key accepted in its idempotencyScope. Two
 * memories: the node's static data (`lastPostbackKeys`, saved by n8n with the
 * workflow) and the deliveries in flight in this process.
 *
 * Harnesses sharing `staticData` play n8n loading the saved static data for
 * the next request; harnesses sharing `workflowId` share the in-flight guard.
 */
import { ObservableObject, type IDataObject, type IObservableObject } from 'n8n-workflow';

import {
	ANSWERED_MEMORY_MS,
	IN_FLIGHT_WAIT_MS,
	MAX_REMEMBERED_SCOPES,
	REPEAT_STORE_FIELD,
} from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import { CANCEL, CHARGEBACK, CREDIT, idempotencyOf, PURCHASE, PURCHASE_REDIRECT, SHOP, signedQuery, UNCANCEL } from './fixtures';
import { forgetTriggerState, harness, itemOf, type CallOptions, type Harness } from './webhook-harness';

beforeEach(forgetTriggerState);

/** No run: the node itself answered OK. */
function expectAnsweredOkWithoutRun(h: Harness, result: object): void {
	expect(result).toEqual({ noWebhookResponse: true });
	expect(h.res).toMatchObject({ statusCode: 200, contentType: 'text/plain', body: 'OK', sendCount: 1 });
	expect(h.events.filter((e) => /^(status|type|send):/.test(e))).toEqual(['status:200', 'type:text/plain', 'send:OK']);
}

function expectRepeatLogged(h: Harness): void {
	expect(h.logs).toEqual([expect.objectContaining({ level: 'info', message: expect.stringMatching(/repeated postback without a run/) })]);
}

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
		expect(staticData).toEqual({ [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key, [credit.scope]: credit.key } });
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
		expect(staticData[REPEAT_STORE_FIELD]).toEqual({ [idempotencyOf(CANCEL).scope]: idempotencyOf(CANCEL).key });
	});

	it('the same postback signed with SHA-1 instead of SHA-256 is the same delivery', async () => {
		const staticData: IDataObject = {};
		expect(await runs({ query: signedQuery(CANCEL), staticData })).toBe(true);
		expect(await runs({ query: signedQuery(CANCEL, 'sha1'), staticData })).toBe(false);
	});

	it('cancel -> uncancel -> cancel of one sale (identical parameters for both cancels) runs three times', async () => {
		const staticData: IDataObject = {};
		expect(idempotencyOf(CANCEL).scope).toBe(idempotencyOf(UNCANCEL).scope);
		for (const params of [CANCEL, UNCANCEL, CANCEL]) expect(await runs({ query: signedQuery(params), staticData })).toBe(true);
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
		expect(await runs({ query: signedQuery({ ...CREDIT, transactionID: '900004' }), staticData })).toBe(true);
	});

	it('only the last event of a sale counts: an earlier one redelivered after a later one runs again', async () => {
		const staticData: IDataObject = {};
		for (const params of [CREDIT, CHARGEBACK, CREDIT]) expect(await runs({ query: signedQuery(params), staticData })).toBe(true);
	});

	it('with "Ignore Repeated Postbacks" off every delivery runs, nothing is stored or tracked', async () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < 2; i++) {
			const h = harness({ query: signedQuery(PURCHASE), staticData, options: { ignoreRepeats: false }, workflowId: 'wf-off' });
			itemOf(await h.run());
			expect(h.events).not.toContain('listen:close');
		}
		expect(staticData).toEqual({});
	});

	it('test mode (manual, the test URL): every call runs and nothing is stored', async () => {
		const purchase = idempotencyOf(PURCHASE);
		const staticData: IDataObject = { [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } };
		for (let i = 0; i < 2; i++) {
			const h = harness({ query: signedQuery(PURCHASE), staticData, mode: 'manual', workflowId: 'wf-test' });
			itemOf(await h.run());
			expect(h.events).not.toContain('listen:close');
		}
		for (let i = 0; i < 2; i++) itemOf(await harness({ query: signedQuery(CREDIT), staticData, mode: 'manual', workflowId: 'wf-test' }).run());
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
		const staticData: IDataObject = { processedPostbackKeys: legacy, [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } };
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
			const loaded = ObservableObject.create(JSON.parse(JSON.stringify(saved)) as IDataObject) as IDataObject;
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
		const staticData: IDataObject = { [REPEAT_STORE_FIELD]: { broken: 1, [`${SHOP}:1:events`]: 'k' } as IDataObject };
		expect(await runs({ query: signedQuery(PURCHASE), staticData })).toBe(true);
		expect(staticData[REPEAT_STORE_FIELD]).toEqual({ [`${SHOP}:1:events`]: 'k', [purchase.scope]: purchase.key });
	});

	it('if the static data cannot be read, the valid postback still gets its run (no 500), and the error is logged', async () => {
		const h = harness({ query: signedQuery(PURCHASE) });
		h.ctx.getWorkflowStaticData.mockImplementation(() => {
			throw new Error('static data unavailable');
		});
		itemOf(await h.run());
		expect(h.res.sendCount).toBe(0);
		expect(h.res.contentType).toBe('text/plain');
		expect(h.logs).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/could not check for a repeated postback, running the workflow anyway: static data unavailable/) })]);
	});
});

describe('deliveries in flight (this process)', () => {
	const WF = 'wf-in-flight';

	beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }));
	afterEach(() => jest.useRealTimers());

	/** Starts a delivery without waiting for it. */
	function start(call: CallOptions) {
		const h = harness(call);
		let settled = false;
		const running = h.run().finally(() => (settled = true));
		return { h, running, isSettled: () => settled };
	}

	/** The first delivery: accepted, handed to n8n, its response still open. */
	async function openFirst(params = PURCHASE, workflowId = WF): Promise<Harness> {
		const first = harness({ query: signedQuery(params), workflowId });
		itemOf(await first.run());
		expect(first.events).toContain('listen:close');
		expect(first.res.closed).toBe(false);
		return first;
	}

	it('a repeat arriving while the first delivery is open waits; once n8n answered the first 200 OK, it is answered OK without a run', async () => {
		const first = await openFirst();
		// Fresh static data: n8n loaded the workflow before the first delivery's key was saved.
		const repeat = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(IN_FLIGHT_WAIT_MS - 1);
		expect(repeat.isSettled()).toBe(false);
		expect(repeat.h.res.sendCount).toBe(0);

		first.finish(200);
		const result = await repeat.running;
		expectAnsweredOkWithoutRun(repeat.h, result);
		expectRepeatLogged(repeat.h);
		expect(repeat.h.staticData).toEqual({});
	});

	it('when the first delivery closes without an answer, the waiting repeat runs (and is tracked itself)', async () => {
		const first = await openFirst();
		const repeat = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(1000);
		expect(repeat.isSettled()).toBe(false);

		first.abort();
		const item = itemOf(await repeat.running);
		expect(item.idempotencyKey).toBe(idempotencyOf(PURCHASE).key);
		expect(repeat.h.res.sendCount).toBe(0);
		expect(repeat.h.events).toContain('listen:close');
		expect(repeat.h.staticData).toEqual({ [REPEAT_STORE_FIELD]: { [idempotencyOf(PURCHASE).scope]: idempotencyOf(PURCHASE).key } });

		// The next repeat now waits for the second delivery.
		const third = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(1000);
		expect(third.isSettled()).toBe(false);
		repeat.h.finish(200);
		expectAnsweredOkWithoutRun(third.h, await third.running);
	});

	it('when n8n answers the first delivery with an error (execution not stored), the waiting repeat runs', async () => {
		const first = await openFirst();
		const repeat = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(1000);
		first.finish(500, '{"message":"Error in workflow"}');
		itemOf(await repeat.running);
	});

	it(`a repeat waits at most IN_FLIGHT_WAIT_MS (${IN_FLIGHT_WAIT_MS} ms), then runs itself`, async () => {
		await openFirst();
		const repeat = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(IN_FLIGHT_WAIT_MS - 1);
		expect(repeat.isSettled()).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		itemOf(await repeat.running);
	});

	it('a repeat after the first was answered OK is answered at once, until ANSWERED_MEMORY_MS has passed', async () => {
		const first = await openFirst();
		first.finish(200);
		await jest.advanceTimersByTimeAsync(ANSWERED_MEMORY_MS - 1);
		const soon = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(0);
		expect(soon.isSettled()).toBe(true);
		expectAnsweredOkWithoutRun(soon.h, await soon.running);

		// Later only the static data tells; this request's copy (loaded before the save) is empty.
		await jest.advanceTimersByTimeAsync(1);
		const later = start({ query: signedQuery(PURCHASE), workflowId: WF });
		await jest.advanceTimersByTimeAsync(0);
		expect(later.isSettled()).toBe(true);
		itemOf(await later.running);
	});

	it('a repeat in another trigger (another workflow) does not wait', async () => {
		await openFirst(PURCHASE, 'wf-a');
		const other = start({ query: signedQuery(PURCHASE), workflowId: 'wf-b' });
		await jest.advanceTimersByTimeAsync(0);
		expect(other.isSettled()).toBe(true);
		itemOf(await other.running);
	});

	it('another event of the same sale does not wait for the open delivery', async () => {
		await openFirst(CANCEL);
		const uncancel = start({ query: signedQuery(UNCANCEL), workflowId: WF });
		await jest.advanceTimersByTimeAsync(0);
		expect(uncancel.isSettled()).toBe(true);
		itemOf(await uncancel.running);
	});

	it('manual mode neither waits nor tracks', async () => {
		await openFirst();
		const manual = start({ query: signedQuery(PURCHASE), workflowId: WF, mode: 'manual' });
		await jest.advanceTimersByTimeAsync(0);
		expect(manual.isSettled()).toBe(true);
		itemOf(await manual.running);
		expect(manual.h.events).not.toContain('listen:close');
	});

	it('a key found in the static data is answered at once, without waiting for anything in flight', async () => {
		await openFirst();
		const purchase = idempotencyOf(PURCHASE);
		const saved = start({ query: signedQuery(PURCHASE), workflowId: WF, staticData: { [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } } });
		await jest.advanceTimersByTimeAsync(0);
		expect(saved.isSettled()).toBe(true);
		expectAnsweredOkWithoutRun(saved.h, await saved.running);
	});
});
