/**
 * Subscription -> Cancel never cancels another sale: a Sale ID that an
 * expression gives as a number past 2^53 (read from JSON, so already rounded:
 * 12345678901234567891 arrives as 12345678901234567000) is refused before any
 * request, through n8n's engine and its real HTTP client with nock behind, so
 * the request path actually sent is checked. NaN, Infinity, negative and
 * fractional numbers likewise; whole numbers up to 2^53 - 1 and IDs as text
 * (all 20 digits) are cancelled exactly.
 */
import { NodeOperationError } from 'n8n-workflow';
import nock from 'nock';

import {
	ACTION_NODE_NAME as FLEXPAY,
	runActionWorkflow,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import { cancelEndpoint, cancelWorkflow, credentials, HOST } from '../helpers/subscription-cancel';

setUpEngineWithNock();

/** Every POST to the Control Center API, whatever its path: none may be sent for a refused Sale ID. */
function anyCancel() {
	const paths: string[] = [];
	const scope = nock(HOST)
		.persist()
		.post(/.*/)
		.reply(function reply(uri) {
			paths.push(uri);
			return [200, JSON.stringify({ is_success: true }), { 'Content-Type': 'application/json' }];
		});
	return { scope, paths };
}

/** The workflow of one item per JSON text, the Sale ID taken from the item's saleID as n8n reads it (JSON.parse). */
async function cancelItems(jsonTexts: string[], onError?: string) {
	const workflow = cancelWorkflow([], onError);
	workflow.pinData = { Start: jsonTexts.map((text) => ({ json: JSON.parse(text) })) };
	return await runActionWorkflow(workflow, credentials());
}

describe('Subscription -> Cancel: only the sale given is cancelled', () => {
	it('refuses {"saleID": 12345678901234567891} (a JSON number) before any request: no POST /sale/12345678901234567000/cancel', async () => {
		const sent = anyCancel();
		const result = await cancelItems(['{"saleID": 12345678901234567891}']);
		expect(result.run.status).toBe('error');
		const error = result.task(FLEXPAY)?.error as NodeOperationError;
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.context.itemIndex).toBe(0);
		expect(error.message).toBe(
			'saleID is the number 12345678901234567000, larger than 9007199254740991: its last digits were rounded when it was read, so it may name another sale',
		);
		expect(error.description).toMatch(
			/^Parameter: Sale ID\. Pass saleID as text with all its digits, e\.g\. \{\{ \$json\.saleID \}\}/,
		);
		expect(sent.paths).toEqual([]);
	});

	it.each([
		['NaN', '={{ Number("x") }}', /^saleID is the number NaN, which is not an ID/],
		['Infinity', '={{ 1 / 0 }}', /^saleID is the number Infinity, which is not an ID/],
		['a negative number', '={{ -433456 }}', /^saleID is the number -433456, which is not an ID/],
		['a fractional number', '={{ 4334.56 }}', /^saleID is the number 4334\.56, which is not an ID/],
		['a boolean', '={{ true }}', /^saleID must be text, got boolean$/],
	])('refuses %s as Sale ID before any request', async (_label, saleID, message) => {
		const sent = anyCancel();
		const workflow = cancelWorkflow(['1'], undefined, { saleID });
		const result = await runActionWorkflow(workflow, credentials());
		const error = result.task(FLEXPAY)?.error as NodeOperationError;
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(/^Parameter: Sale ID\. Pass saleID as text/);
		expect(sent.paths).toEqual([]);
	});

	it('cancels a 20-digit Sale ID given as text exactly, and a whole number up to 2^53 - 1 as its digits', async () => {
		const exact = cancelEndpoint('12345678901234567891', 200, { is_success: true });
		const safe = cancelEndpoint('9007199254740991', 200, { is_success: true });
		const result = await cancelItems([
			'{"saleID": "12345678901234567891"}',
			'{"saleID": 9007199254740991}',
		]);
		expect(result.failure()).toBeUndefined();
		expect(exact.scope.isDone() && safe.scope.isDone()).toBe(true);
		expect(result.outputJson(FLEXPAY)).toEqual([
			{ saleID: '12345678901234567891', cancelled: true, alreadyCancelled: false },
			{ saleID: '9007199254740991', cancelled: true, alreadyCancelled: false },
		]);
	});

	it('On Error "continue": the rounded item becomes an error item (paired); the other sale is cancelled, and only it', async () => {
		const sent = anyCancel();
		const result = await cancelItems(
			['{"saleID": 12345678901234567891}', '{"saleID": "433456"}'],
			'continueRegularOutput',
		);
		expect(result.run.status).toBe('success');
		const items = result.outputItems(FLEXPAY) ?? [];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(/^saleID is the number 12345678901234567000/);
		expect(items[1].json).toEqual({ saleID: '433456', cancelled: true, alreadyCancelled: false });
		expect(sent.paths).toEqual(['/api/sale/433456/cancel']);
	});
});
