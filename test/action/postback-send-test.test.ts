/**
 * Postback -> Send Test Postback through n8n's engine (n8n-core WorkflowExecute,
 * its real this.helpers.httpRequest / axios) against a REAL local HTTP server
 * that records the exact request line. The query must be a postback the
 * protocol core verifies with the credential's key and carry the event's
 * parameters; any HTTP answer is an output item (ok only for 200 "OK"); no
 * answer is a NodeApiError that says how to fix it; a bad URL is a field error
 * before anything is sent; the signature key is nowhere in items, errors or logs.
 */
import type { IDataObject, INodeExecutionData, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { parsePostback, parseRawQuery, POSTBACK_EVENTS, SAMPLE_POSTBACK_DEFAULTS } from '../../lib';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import {
	ACTION_NODE_NAME as FLEXPAY,
	actionWorkflow,
	closedPort,
	runActionWorkflow,
	type ActionWorkflowOptions,
} from '../helpers/action-engine';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../helpers/action-context';
import { recordN8nLogs, setUpN8nContainer } from '../helpers/n8n-container';
import type { EngineRunResult } from '../helpers/n8n-engine';
import { findSecret } from '../helpers/secret-scan';

const PATH = '/webhook-test/3b0c7a52/webhook';
const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

interface Received {
	method: string;
	/** The request target exactly as it arrived (path and raw query). */
	url: string;
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let server: http.Server;
let base: string;
let answer: Answer;
const received: Received[] = [];
const logs: unknown[] = [];

beforeAll(async () => {
	setUpN8nContainer();
	// Everything n8n-core logs during the runs, to scan for the key.
	recordN8nLogs(logs);
	server = http.createServer((req, res) => {
		received.push({ method: req.method ?? '', url: req.url ?? '' });
		answer(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
	received.length = 0;
	logs.length = 0;
	answer = text(200, 'OK');
});
afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

function text(status: number, body: string, type = 'text/plain'): Answer {
	return (_req, res) => {
		res.writeHead(status, { 'content-type': type });
		res.end(body);
	};
}

async function run(parameters: INodeParameters, extra: ActionWorkflowOptions = {}): Promise<EngineRunResult> {
	const workflow = actionWorkflow({ resource: 'postback', operation: 'sendTestPostback', ...parameters }, extra);
	const result = await runActionWorkflow(workflow, {
		c: { type: 'verotelFlexPayApi', data: { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY } },
	});
	// The leak canary: items, errors (message, description, context, cause), the whole run, n8n's log lines.
	expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
	expect(JSON.stringify(result.run)).not.toContain(TEST_SIGNATURE_KEY);
	expect(findSecret(logs, TEST_SIGNATURE_KEY)).toEqual([]);
	return result;
}

function rawQuery(request: Received): string {
	return request.url.slice(request.url.indexOf('?') + 1);
}

function onlyItem(result: EngineRunResult): INodeExecutionData {
	expect(result.failure()).toBeUndefined();
	const items = result.outputItems(FLEXPAY);
	expect(items).toHaveLength(1);
	return items![0];
}

function nodeErrorOf(result: EngineRunResult): NodeApiError | NodeOperationError {
	expect(result.run.status).toBe('error');
	const error = result.task(FLEXPAY)?.error as NodeApiError | NodeOperationError;
	expect(error).toBeDefined();
	expect(error.context.itemIndex).toBe(0);
	return error;
}

describe('Send Test Postback: parameters', () => {
	const shown = new VerotelFlexPay().description.properties.filter((p) =>
		p.displayOptions?.show?.operation?.includes('sendTestPostback'),
	);

	it('URL (required), Event (every postback event, default purchase) and Options', () => {
		expect(shown.map((p) => [p.name, p.type, p.required ?? false])).toEqual([
			['url', 'string', true],
			['event', 'options', false],
			['options', 'collection', false],
		]);
		const events = (shown[1].options as INodePropertyOptions[]).map((o) => o.value);
		expect([...events].sort()).toEqual([...POSTBACK_EVENTS].sort());
		expect(shown[1].default).toBe('purchase');
		const options = shown[2].options as INodeProperties[];
		expect(options.map((o) => [o.name, o.default])).toEqual([
			['amount', SAMPLE_POSTBACK_DEFAULTS.amount],
			['currency', SAMPLE_POSTBACK_DEFAULTS.currency],
			['custom1', ''],
			['referenceID', ''],
			['saleID', ''],
			['timeout', 30000],
		]);
	});
});

describe('Send Test Postback: what is sent', () => {
	it.each(POSTBACK_EVENTS.map((event) => [event]))('%s: a GET whose query verifies with the key, answered 200 OK -> ok: true', async (event) => {
		const result = await run({ url: `${base}${PATH}`, event });
		const item = onlyItem(result);
		expect(item.pairedItem).toEqual({ item: 0 });

		expect(received).toHaveLength(1);
		expect(received[0].method).toBe('GET');
		expect(received[0].url.startsWith(`${PATH}?`)).toBe(true);
		const query = rawQuery(received[0]);
		// The protocol core verifies exactly the bytes that arrived, with the credential's key.
		const postback = parsePostback(query, config, { allowSha1: false });
		expect(postback.event).toBe(event);
		expect(postback.params.shopID).toBe(TEST_SHOP_ID);
		if (event === 'purchase') expect(postback.params).not.toHaveProperty('event');
		else expect(postback.params.event).toBe(event);
		expect(postback.params.type).toBe(['purchase', 'credit', 'chargeback'].includes(event) ? 'purchase' : 'subscription');
		expect(postback.amountString).toBe('9.99');
		expect(postback.params[event === 'rebill' ? 'amount' : 'priceAmount']).toBe('9.99');
		expect(postback.params.parentID !== undefined).toBe(event === 'credit' || event === 'chargeback');

		expect(item.json).toEqual({
			url: `${base}${PATH}`,
			event,
			saleID: postback.saleID,
			params: parseRawQuery(query),
			statusCode: 200,
			body: 'OK',
			ok: true,
		});
		expect(item.json.saleID).toMatch(/^[1-9]\d{6}$/);
		expect((item.json.params as IDataObject).signature).toMatch(/^[0-9a-f]{64}$/);
	});

	it('Options: Sale ID, Reference ID, Amount, Currency and Custom 1 are sent as given, signed', async () => {
		const result = await run({
			url: `${base}${PATH}#ignored`,
			event: 'credit',
			options: { saleID: '433456', referenceID: 'order 1001', amount: '19.9', currency: 'USD', custom1: 'user-42', timeout: 5000 },
		});
		const item = onlyItem(result);
		const postback = parsePostback(rawQuery(received[0]), config);
		expect(postback.params).toMatchObject({
			saleID: '433456',
			referenceID: 'order 1001',
			priceAmount: '19.90',
			priceCurrency: 'USD',
			custom1: 'user-42',
			event: 'credit',
		});
		expect(rawQuery(received[0])).toContain('referenceID=order+1001');
		expect(item.json).toMatchObject({ url: `${base}${PATH}`, event: 'credit', saleID: '433456', ok: true });
	});

	it('every item sends its own postback (random sale IDs, expressions per item), each output paired with its input', async () => {
		const result = await run(
			{ url: `${base}${PATH}`, event: '={{ $json.event }}', options: { custom1: '={{ $json.user }}' } },
			{ items: [{ event: 'purchase', user: 'u-1' }, { event: 'rebill', user: 'u-2' }] },
		);
		expect(result.failure()).toBeUndefined();
		const items = result.outputItems(FLEXPAY)!;
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(received).toHaveLength(2);
		const sent = received.map((request) => parsePostback(rawQuery(request), config));
		expect(sent.map((postback) => [postback.event, postback.custom1])).toEqual([
			['purchase', 'u-1'],
			['rebill', 'u-2'],
		]);
		expect(items.map((item) => item.json.saleID)).toEqual(sent.map((postback) => postback.saleID));
		expect(sent[0].saleID).not.toBe(sent[1].saleID);
	});
});

describe('Send Test Postback: answers are outputs', () => {
	it('401 Unauthorized -> ok: false with status, body and a hint (the run succeeds)', async () => {
		answer = text(401, 'Unauthorized');
		const result = await run({ url: `${base}${PATH}`, event: 'purchase' });
		const item = onlyItem(result);
		expect(result.run.status).toBe('success');
		expect(item.json).toMatchObject({ url: `${base}${PATH}`, event: 'purchase', statusCode: 401, body: 'Unauthorized', ok: false });
		expect(item.json.hint).toMatch(/another Signature Key/);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it("404 with n8n's JSON message (test URL not listening) -> ok: false, the body as text, a hint to listen or publish", async () => {
		const body = JSON.stringify({
			code: 404,
			message: 'The requested webhook "3b0c7a52/webhook" is not registered.',
			hint: "Click the 'Execute workflow' button on the canvas, then try again.",
		});
		answer = text(404, body, 'application/json; charset=utf-8');
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect(item.json).toMatchObject({ statusCode: 404, body, ok: false });
		expect(item.json.hint).toMatch(/Execute workflow.*publish/);
	});

	it.each([
		['200 with another body', 200, 'Workflow was started'],
		['200 with OK and a line end', 200, 'OK\n'],
		['403', 403, 'Forbidden'],
		['503', 503, 'Service Unavailable'],
		['500', 500, '{"message":"Error in workflow"}'],
	])('%s -> ok: false', async (_label, status, body) => {
		answer = text(status, body);
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'cancel' }));
		expect(item.json).toMatchObject({ statusCode: status, body, ok: false });
		expect(typeof item.json.hint).toBe('string');
	});

	it('a long body is cut to 1000 characters', async () => {
		answer = text(502, `<html>${'x'.repeat(5000)}</html>`, 'text/html');
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect((item.json.body as string).length).toBe(1000);
		expect(item.json.body).toMatch(/^<html>x+…$/);
		expect(item.json.ok).toBe(false);
	});
});

describe('Send Test Postback: no answer -> NodeApiError', () => {
	it('connection refused: says n8n is not reachable there, with the network code and how to fix it', async () => {
		const port = await closedPort();
		const error = nodeErrorOf(await run({ url: `http://127.0.0.1:${port}${PATH}`, event: 'purchase' }));
		expect(error.name).toBe(NodeApiError.name);
		expect(error.message).toBe(`Could not send the postback to http://127.0.0.1:${port}${PATH}`);
		expect(error.description).toMatch(/^Network code: ECONNREFUSED\. Check that n8n is reachable at that URL/);
		expect(error.description).toMatch(/Listening for test event.*published \(active\)/);
	});

	it('no answer in time: names the time limit', async () => {
		answer = () => {}; // never answers
		const started = Date.now();
		const error = nodeErrorOf(await run({ url: `${base}${PATH}`, event: 'purchase', options: { timeout: 300 } }));
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error.name).toBe(NodeApiError.name);
		expect(error.message).toBe(`${base}${PATH} did not answer within 300 ms`);
		expect(error.description).toMatch(/raise Options -> Timeout/);
		server.closeAllConnections();
	});

	it('On Error "continue": the failure becomes an error item paired with its input; the other items are sent', async () => {
		const port = await closedPort();
		const result = await run(
			{ url: `={{ $json.good ? '${base}${PATH}' : 'http://127.0.0.1:${port}/x' }}`, event: 'purchase' },
			{ onError: 'continueRegularOutput', items: [{ good: false }, { good: true }] },
		);
		expect(result.run.status).toBe('success');
		const items = result.outputItems(FLEXPAY)!;
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toEqual({ error: `Could not send the postback to http://127.0.0.1:${port}/x` });
		expect(items[0].error?.description).toMatch(/ECONNREFUSED/);
		expect(items[1].json).toMatchObject({ ok: true, statusCode: 200 });
	});
});

describe('Send Test Postback: a bad URL is a field error, nothing is sent', () => {
	it.each([
		['empty (an expression that gives nothing; an empty literal is caught by n8n as a required parameter)', '={{ $json.none }}', /^URL is empty$/],
		['no scheme', 'localhost:5678/webhook/x/webhook', /^URL must start with http:\/\/ or https:\/\//],
		['ftp', 'ftp://n8n.example.com/webhook/x', /^URL must start with http:\/\/ or https:\/\/, not ftp:\/\//],
		['not a URL', 'the trigger', /^URL "the trigger" is not a full URL$/],
		['with a query', 'http://127.0.0.1:1/webhook/x?a=1', /^URL must not contain a query/],
		['with a user', 'http://user:pw@127.0.0.1:1/webhook/x', /^URL must not contain a user name or password$/],
	])('%s', async (_label, url, message) => {
		const error = nodeErrorOf(await run({ url, event: 'purchase' }));
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(/^Parameter: URL\. /);
		expect(received).toEqual([]);
	});

	it('a bad option is a field error too (Sale ID)', async () => {
		const error = nodeErrorOf(await run({ url: `${base}${PATH}`, event: 'purchase', options: { saleID: 'S-1' } }));
		expect(error.message).toBe('saleID "S-1" is not a Verotel ID');
		expect(error.description).toMatch(/^Parameter: Sale ID\. /);
		expect(received).toEqual([]);
	});
});
