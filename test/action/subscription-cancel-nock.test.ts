/**
 * Subscription -> Cancel over REAL HTTP: n8n's engine (WorkflowExecute), the
 * credential fetched and its generic authenticate applied the way n8n does,
 * n8n-core's request helper (axios), nock behind. Checks the request on the
 * wire (method, path, Basic auth, versioned Accept), every answer Verotel
 * documents (200 is_success, 412 already cancelled) and every failure as a
 * NodeApiError with Verotel's title and how to fix it.
 */
import { NodeOperationError } from 'n8n-workflow';
import nock from 'nock';

import {
	ACTION_NODE_NAME as FLEXPAY,
	closedPort,
	nodeApiErrorOf,
	runActionWorkflow,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import {
	AUTH,
	cancelEndpoint,
	cancelWorkflow,
	credentials,
	HOST,
	runCancel,
} from '../helpers/subscription-cancel';

setUpEngineWithNock();

describe('Subscription -> Cancel over real HTTP (nock)', () => {
	it('200 {"is_success": true}: POST /sale/{saleID}/cancel with Basic auth and the versioned Accept header', async () => {
		const endpoint = cancelEndpoint('433456', 200, { is_success: true });
		const result = await runCancel(['433456']);
		expect(result.failure()).toBeUndefined();
		expect(endpoint.scope.isDone()).toBe(true);
		expect(endpoint.seen).toHaveLength(1);
		expect(endpoint.seen[0].authorization).toBe(AUTH);
		expect(endpoint.seen[0].accept).toBe('application/json; version=1.5.0');
		expect(result.outputItems(FLEXPAY)).toEqual([
			{
				json: { saleID: '433456', cancelled: true, alreadyCancelled: false },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('uses the API version and Base URL of the credential (a trailing slash is ignored)', async () => {
		const seen: Array<Record<string, unknown>> = [];
		const scope = nock('http://proxy.test')
			.post('/cc/sale/12/cancel')
			.reply(function reply() {
				seen.push({ ...this.req.headers });
				return [200, { is_success: true }];
			});
		const result = await runCancel(['12'], {
			data: { apiVersion: '1.4.0', baseUrl: 'http://proxy.test/cc/' },
		});
		expect(scope.isDone()).toBe(true);
		expect(seen[0].accept).toBe('application/json; version=1.4.0');
		expect(result.outputJson(FLEXPAY)).toEqual([
			{ saleID: '12', cancelled: true, alreadyCancelled: false },
		]);
	});

	it("without a Base URL in the stored data, calls Verotel's address https://controlcenter.verotel.com/api", async () => {
		const scope = nock('https://controlcenter.verotel.com')
			.post('/api/sale/21/cancel')
			.reply(200, { is_success: true });
		const result = await runCancel(['21'], { data: { baseUrl: '' } });
		expect(scope.isDone()).toBe(true);
		expect(result.outputJson(FLEXPAY)).toEqual([
			{ saleID: '21', cancelled: true, alreadyCancelled: false },
		]);
	});

	it.each([
		['ftp://files.example/api'],
		['https://user:pw@proxy.example/api'],
		['https://proxy.example/api?x=1'],
		['not a url'],
	])('refuses the Base URL %s before any request, without quoting it', async (baseUrl) => {
		const result = await runCancel(['22'], { data: { baseUrl } });
		const error = result.task(FLEXPAY)?.error as NodeOperationError;
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.message).toBe(
			'The Base URL of the Verotel Control Center API credential is not an http(s) address',
		);
		expect(JSON.stringify(error)).not.toContain(baseUrl);
	});

	it('412 "This sale is already cancelled.": a success with alreadyCancelled: true', async () => {
		const endpoint = cancelEndpoint('433456', 412, {
			error: { title: 'This sale is already cancelled.' },
		});
		const result = await runCancel(['433456']);
		expect(endpoint.scope.isDone()).toBe(true);
		expect(result.run.status).toBe('success');
		expect(result.outputItems(FLEXPAY)).toEqual([
			{
				json: { saleID: '433456', cancelled: true, alreadyCancelled: true },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('412 with another title: a NodeApiError carrying that title', async () => {
		cancelEndpoint('5', 412, { error: { title: 'This sale cannot be cancelled now.' } });
		const error = nodeApiErrorOf(await runCancel(['5']));
		expect(error.message).toBe(
			'Verotel Control Center could not cancel sale 5 (HTTP 412): This sale cannot be cancelled now.',
		);
		expect(error.httpCode).toBe('412');
		expect(error.description).toMatch(/cannot cancel this sale in its current state/);
	});

	it('401: NodeApiError with Verotel title; the description says to check the API user and password', async () => {
		cancelEndpoint('7', 401, { error: { title: 'Invalid credentials.' } });
		const error = nodeApiErrorOf(await runCancel(['7']));
		expect(error.message).toBe(
			'Verotel Control Center could not cancel sale 7 (HTTP 401): Invalid credentials.',
		);
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(
			/rejected the API user or password\. Check API User and Password/,
		);
	});

	it('403: the description says the Control Center API may not be activated', async () => {
		cancelEndpoint('7', 403, { error: { title: 'Forbidden.' } });
		const error = nodeApiErrorOf(await runCancel(['7']));
		expect(error.message).toBe(
			'Verotel Control Center could not cancel sale 7 (HTTP 403): Forbidden.',
		);
		expect(error.description).toMatch(
			/Control Center API may not be activated for this account.*ask Verotel merchant support/,
		);
	});

	it('404: the sale is unknown; the description says which ID to use', async () => {
		cancelEndpoint('999', 404, { error: { title: 'Sale not found.' } });
		const error = nodeApiErrorOf(await runCancel(['999']));
		expect(error.message).toBe(
			'Verotel Control Center could not cancel sale 999 (HTTP 404): Sale not found.',
		);
		expect(error.description).toMatch(
			/^Verotel does not know a sale with this ID for this account\. Use Verotel's numeric saleID/,
		);
	});

	it('500 with an HTML body: the status only (no HTML), and a retry hint', async () => {
		cancelEndpoint(
			'8',
			500,
			'<!doctype html><html><body><h1>Internal Server Error</h1></body></html>',
			{
				'Content-Type': 'text/html',
			},
		);
		const error = nodeApiErrorOf(await runCancel(['8']));
		expect(error.message).toBe('Verotel Control Center could not cancel sale 8 (HTTP 500)');
		expect(error.httpCode).toBe('500');
		expect(error.description).toMatch(/Try again later, or turn on Retry On Fail/);
		expect(JSON.stringify(error)).not.toContain('<h1>');
	});

	it("cuts Verotel's title to 200 characters", async () => {
		cancelEndpoint('9', 400, { error: { title: `Bad request: ${'x'.repeat(400)}` } });
		const error = nodeApiErrorOf(await runCancel(['9']));
		const title = error.message.slice(
			'Verotel Control Center could not cancel sale 9 (HTTP 400): '.length,
		);
		expect(title).toHaveLength(200);
		expect(title.endsWith('…')).toBe(true);
	});

	it('200 without "is_success": true is not taken as a cancellation', async () => {
		cancelEndpoint('10', 200, { is_success: false, error: { title: 'Nothing to cancel.' } });
		const error = nodeApiErrorOf(await runCancel(['10']));
		expect(error.message).toBe(
			'Verotel Control Center did not confirm the cancellation of sale 10: Nothing to cancel.',
		);
		expect(error.description).toMatch(/without "is_success": true/);
	});

	it('a refused connection: could not connect, with the network code and where to look', async () => {
		const port = await closedPort();
		nock.enableNetConnect('127.0.0.1');
		const error = nodeApiErrorOf(
			await runCancel(['11'], { data: { baseUrl: `http://127.0.0.1:${port}/api` } }),
		);
		expect(error.message).toBe('Could not connect to Verotel Control Center');
		expect(error.description).toMatch(
			/^Network code: ECONNREFUSED\. Check the Base URL of the Verotel Control Center API credential/,
		);
	});

	it('an unknown host: could not connect, with the DNS code', async () => {
		nock.enableNetConnect('no-such-host.invalid');
		const error = nodeApiErrorOf(
			await runCancel(['12'], { data: { baseUrl: 'http://no-such-host.invalid/api' } }),
		);
		expect(error.message).toBe('Could not connect to Verotel Control Center');
		expect(error.description).toMatch(/^Network code: (ENOTFOUND|EAI_AGAIN)\./);
	});

	it('a connection reset mid-request (nock replyWithError): could not connect', async () => {
		nock(HOST)
			.post('/api/sale/13/cancel')
			.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const error = nodeApiErrorOf(await runCancel(['13']));
		expect(error.message).toBe('Could not connect to Verotel Control Center');
		expect(error.description).toMatch(/Network code: ECONNRESET/);
	});

	it.each([
		['letters', 'S-433456', /^Sale ID "S-433456" is not a numeric Verotel sale ID$/],
		['a decimal', '4334.56', /^Sale ID "4334\.56" is not a numeric Verotel sale ID$/],
		['a path', '1/../../admin', /is not a numeric Verotel sale ID/],
		['21 digits', '1'.repeat(21), /is not a numeric Verotel sale ID/],
		['an empty value', '', /^Sale ID is empty$/],
	])(
		'refuses %s as Sale ID before any request (NodeOperationError naming the field)',
		async (_label, saleID, message) => {
			const endpoint = cancelEndpoint('433456', 200, { is_success: true });
			const result = await runCancel([saleID]);
			expect(result.run.status).toBe('error');
			const error = result.task(FLEXPAY)?.error as NodeOperationError;
			expect(error.name).toBe(NodeOperationError.name);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(/^Parameter: Sale ID\./);
			expect(endpoint.scope.isDone()).toBe(false);
		},
	);

	it('accepts a saleID that an expression gives as a number, and trims spaces', async () => {
		const one = cancelEndpoint('433456', 200, { is_success: true });
		const two = cancelEndpoint('12', 200, { is_success: true });
		const workflow = cancelWorkflow([], undefined, { saleID: '={{ $json.n }}' });
		workflow.pinData = { Start: [{ json: { n: 433456 } }, { json: { n: ' 12 ' } }] };
		const result = await runActionWorkflow(workflow, credentials());
		expect(one.scope.isDone() && two.scope.isDone()).toBe(true);
		expect(result.outputJson(FLEXPAY)?.map((json) => json.saleID)).toEqual(['433456', '12']);
	});

	it('several items: one request each, every output paired with its input', async () => {
		cancelEndpoint('1', 200, { is_success: true });
		cancelEndpoint('2', 412, { error: { title: 'This sale is already cancelled.' } });
		const result = await runCancel(['1', '2']);
		expect(result.outputItems(FLEXPAY)).toEqual([
			{ json: { saleID: '1', cancelled: true, alreadyCancelled: false }, pairedItem: { item: 0 } },
			{ json: { saleID: '2', cancelled: true, alreadyCancelled: true }, pairedItem: { item: 1 } },
		]);
	});

	it('On Error "continue": a failing item becomes an error item (paired), the others go on', async () => {
		cancelEndpoint('1', 200, { is_success: true });
		cancelEndpoint('2', 404, { error: { title: 'Sale not found.' } });
		const result = await runCancel(['1', '2', 'x'], { onError: 'continueRegularOutput' });
		expect(result.run.status).toBe('success');
		const items = result.outputItems(FLEXPAY) ?? [];
		expect(items.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ saleID: '1', cancelled: true, alreadyCancelled: false }, { item: 0 }],
			[
				{ error: 'Verotel Control Center could not cancel sale 2 (HTTP 404): Sale not found.' },
				{ item: 1 },
			],
			[{ error: 'Sale ID "x" is not a numeric Verotel sale ID' }, { item: 2 }],
		]);
		expect(items[1].error?.description).toMatch(/does not know a sale with this ID/);
	});

	it('On Error "continue (using error output)": failures go to the error output, paired', async () => {
		cancelEndpoint('1', 200, { is_success: true });
		cancelEndpoint('2', 401, { error: { title: 'Invalid credentials.' } });
		const result = await runCancel(['1', '2'], { onError: 'continueErrorOutput' });
		expect(result.run.status).toBe('success');
		const [success, failure] = result.task(FLEXPAY)?.data?.main ?? [];
		expect(success?.map((item) => item.json)).toEqual([
			{ saleID: '1', cancelled: true, alreadyCancelled: false },
		]);
		expect(failure?.map((item) => [item.json, item.pairedItem])).toEqual([
			[
				{
					error: 'Verotel Control Center could not cancel sale 2 (HTTP 401): Invalid credentials.',
				},
				{ item: 1 },
			],
		]);
	});
});
