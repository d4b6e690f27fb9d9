/**
 * Postback -> Send Test Postback when nothing can be sent: no answer is a
 * NodeApiError that says how to fix it; a bad URL or option is a field error
 * before anything is sent. The signature key is in none of them.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ACTION_NODE_NAME as FLEXPAY, closedPort } from '../helpers/action-engine';
import {
	answerWith,
	base,
	nodeErrorOf,
	PATH,
	received,
	run,
	server,
	setUpReceiver,
} from '../helpers/send-test-postback';

setUpReceiver();

describe('Send Test Postback: no answer -> NodeApiError', () => {
	it('connection refused: says n8n is not reachable there, with the network code and how to fix it', async () => {
		const port = await closedPort();
		const error = nodeErrorOf(
			await run({ url: `http://127.0.0.1:${port}${PATH}`, event: 'purchase' }),
		);
		expect(error.name).toBe(NodeApiError.name);
		expect(error.message).toBe(`Could not send the postback to http://127.0.0.1:${port}${PATH}`);
		expect(error.description).toMatch(
			/^Network code: ECONNREFUSED\. Check that n8n is reachable at that URL/,
		);
		expect(error.description).toMatch(/Listening for test event.*published \(active\)/);
	});

	it('no answer in time: names the time limit', async () => {
		answerWith(() => {}); // never answers
		const started = Date.now();
		const error = nodeErrorOf(
			await run({ url: `${base}${PATH}`, event: 'purchase', options: { timeout: 300 } }),
		);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error.name).toBe(NodeApiError.name);
		expect(error.message).toBe(`${base}${PATH} did not answer within 300 ms`);
		expect(error.description).toMatch(/raise Options -> Timeout/);
		server.closeAllConnections();
	});

	it('On Error "continue": the failure becomes an error item paired with its input; the other items are sent', async () => {
		const port = await closedPort();
		const result = await run(
			{
				url: `={{ $json.good ? '${base}${PATH}' : 'http://127.0.0.1:${port}${PATH}' }}`,
				event: 'purchase',
			},
			{ onError: 'continueRegularOutput', items: [{ good: false }, { good: true }] },
		);
		expect(result.run.status).toBe('success');
		const items = result.outputItems(FLEXPAY)!;
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toEqual({
			error: `Could not send the postback to http://127.0.0.1:${port}${PATH}`,
		});
		expect(items[0].error?.description).toMatch(/ECONNREFUSED/);
		expect(items[1].json).toMatchObject({ ok: true, statusCode: 200 });
	});
});

describe('Send Test Postback: a bad URL is a field error, nothing is sent', () => {
	it.each([
		[
			'empty (an expression that gives nothing; an empty literal is caught by n8n as a required parameter)',
			'={{ $json.none }}',
			/^URL is empty$/,
		],
		[
			'no scheme',
			'localhost:5678/webhook/x/webhook',
			/^URL must start with http:\/\/ or https:\/\//,
		],
		[
			'ftp',
			'ftp://n8n.example.com/webhook/x',
			/^URL must start with http:\/\/ or https:\/\/, not ftp:\/\//,
		],
		['not a URL', 'the trigger', /^URL "the trigger" is not a full URL$/],
		['with a query', 'http://127.0.0.1:1/webhook/x?a=1', /^URL must not contain a query/],
		[
			'with a user',
			'http://user:pw@127.0.0.1:1/webhook/x',
			/^URL must not contain a user name or password$/,
		],
	])('%s', async (_label, url, message) => {
		const error = nodeErrorOf(await run({ url, event: 'purchase' }));
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(/^Parameter: URL\. /);
		expect(received).toEqual([]);
	});

	it('a bad option is a field error too (Sale ID)', async () => {
		const error = nodeErrorOf(
			await run({ url: `${base}${PATH}`, event: 'purchase', options: { saleID: 'S-1' } }),
		);
		expect(error.message).toBe('saleID "S-1" is not a Verotel ID');
		expect(error.description).toMatch(/^Parameter: Sale ID\. /);
		expect(received).toEqual([]);
	});
});
