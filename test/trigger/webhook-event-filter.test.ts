/**
 * webhook() with the Events option: a deselected event is answered OK by the
 * node itself and starts no run; a selected one is handed to n8n.
 */
import { CREDIT, PURCHASE, signedQuery } from './fixtures';
import { expectHandedToN8n, expectOkWrittenByNode } from './webhook-answers';
import { forgetTriggerState, harness, itemOf } from './webhook-harness';

beforeEach(forgetTriggerState);

describe('event filter', () => {
	it('a deselected event is answered OK by the node and starts no run', async () => {
		const h = harness({ query: signedQuery(CREDIT), options: { events: ['purchase'] } });
		const result = await h.run();
		expectOkWrittenByNode(h, result);
	});

	it('a selected event starts a run', async () => {
		const h = harness({
			query: signedQuery(PURCHASE),
			options: { events: ['purchase', 'chargeback'] },
		});
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
		const h = harness({
			query: signedQuery(CREDIT),
			options: { events: ['purchase'], answerOk: 'whenRunStarts' },
		});
		expectOkWrittenByNode(h, await h.run());
	});
});
