/**
 * "Ignore Repeated Postbacks" through webhook(), the second memory: the
 * deliveries in flight in this process. A repeat of a delivery n8n has not
 * answered yet waits for that answer (at most IN_FLIGHT_WAIT_MS), then is
 * answered OK without a run, or runs itself when the first got no OK.
 *
 * Harnesses sharing `workflowId` share the in-flight guard.
 */
import {
	ANSWERED_MEMORY_MS,
	IN_FLIGHT_WAIT_MS,
	REPEAT_STORE_FIELD,
} from '../../nodes/VerotelFlexPayTrigger/repeatStore';
import { CANCEL, idempotencyOf, PURCHASE, signedQuery, UNCANCEL } from './fixtures';
import { expectAnsweredOkWithoutRun, expectRepeatLogged } from './webhook-answers';
import {
	forgetTriggerState,
	harness,
	itemOf,
	type CallOptions,
	type Harness,
} from './webhook-harness';

beforeEach(forgetTriggerState);

describe('deliveries in flight (this process)', () => {
	const WF = 'wf-in-flight';

	beforeEach(() =>
		jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }),
	);
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
		expect(repeat.h.staticData).toEqual({
			[REPEAT_STORE_FIELD]: { [idempotencyOf(PURCHASE).scope]: idempotencyOf(PURCHASE).key },
		});

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
		const saved = start({
			query: signedQuery(PURCHASE),
			workflowId: WF,
			staticData: { [REPEAT_STORE_FIELD]: { [purchase.scope]: purchase.key } },
		});
		await jest.advanceTimersByTimeAsync(0);
		expect(saved.isSettled()).toBe(true);
		expectAnsweredOkWithoutRun(saved.h, await saved.running);
	});
});
