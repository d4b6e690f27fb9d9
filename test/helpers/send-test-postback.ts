/**
 * Postback -> Send Test Postback through n8n's engine (n8n-core
 * WorkflowExecute, its real this.helpers.httpRequest / axios) against a REAL
 * local HTTP server that records the exact request line and answers as a test
 * tells it to; run() checks every run for the signature key (items, errors,
 * the whole run, n8n's log lines).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	ACTION_NODE_NAME as FLEXPAY,
	actionWorkflow,
	runActionWorkflow,
	type ActionWorkflowOptions,
} from './action-engine';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { recordN8nLogs, setUpN8nContainer } from './n8n-container';
import type { EngineRunResult } from './n8n-engine';
import { findSecret } from './secret-scan';

/** Where the receiver is asked to send: a test URL of n8n's webhook server. */
export const PATH = '/webhook-test/3b0c7a52-9d1e-4f6a-8b2c-5e7f9a1b3c4d/webhook';
/** The credential's shop and key, to verify what arrived with the protocol core. */
export const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

export interface Received {
	method: string;
	/** The request target exactly as it arrived (path and raw query). */
	url: string;
}

export type Answer = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The receiver, listening once setUpReceiver()'s beforeAll has run. */
export let server: http.Server;
/** Its address, e.g. http://127.0.0.1:34567. */
export let base: string;
let answer: Answer;
/** Every request of the current test, in order. */
export const received: Received[] = [];
const logs: unknown[] = [];

/**
 * Jest hooks for a file that sends test postbacks: n8n's DI singletons set up
 * and its logs recorded, the receiver listening for the whole file, each test
 * starting with no requests, no logs and the answer 200 "OK".
 */
export function setUpReceiver(): void {
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
}

/** How the receiver answers the next requests of this test. */
export function answerWith(next: Answer): void {
	answer = next;
}

/** An answer: `status` with `body` of content type `type`. */
export function text(status: number, body: string, type = 'text/plain'): Answer {
	return (_req, res) => {
		res.writeHead(status, { 'content-type': type });
		res.end(body);
	};
}

export async function run(
	parameters: INodeParameters,
	extra: ActionWorkflowOptions = {},
): Promise<EngineRunResult> {
	const workflow = actionWorkflow(
		{ resource: 'postback', operation: 'sendTestPostback', ...parameters },
		extra,
	);
	const result = await runActionWorkflow(workflow, {
		c: {
			type: 'verotelFlexPayApi',
			data: { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY },
		},
	});
	// The leak canary: items, errors (message, description, context, cause), the whole run, n8n's log lines.
	expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
	expect(JSON.stringify(result.run)).not.toContain(TEST_SIGNATURE_KEY);
	expect(findSecret(logs, TEST_SIGNATURE_KEY)).toEqual([]);
	return result;
}

export function rawQuery(request: Received): string {
	return request.url.slice(request.url.indexOf('?') + 1);
}

export function onlyItem(result: EngineRunResult): INodeExecutionData {
	expect(result.failure()).toBeUndefined();
	const items = result.outputItems(FLEXPAY);
	expect(items).toHaveLength(1);
	return items![0];
}

export function nodeErrorOf(result: EngineRunResult): NodeApiError | NodeOperationError {
	expect(result.run.status).toBe('error');
	const error = result.task(FLEXPAY)?.error as NodeApiError | NodeOperationError;
	expect(error).toBeDefined();
	expect(error.context.itemIndex).toBe(0);
	return error;
}
