/**
 * Leak canary for Subscription -> Cancel: the Control Center password (and the
 * Basic token made from it) must never appear in an output item, an error
 * (message, description, context, cause), anything n8n keeps of the run, or a
 * log line (n8n's Logger, console) — in success and in every failure, also when
 * Verotel's answer itself echoes the Authorization header or the password.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import nock from 'nock';

import {
	ACTION_NODE_NAME as FLEXPAY,
	actionWorkflow,
	closedPort,
	CONTROL_CENTER_CREDENTIAL,
	runActionWorkflow,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import { basicAuth } from '../helpers/control-center-server';
import type { EngineRunResult } from '../helpers/n8n-engine';
import { findSecret } from '../helpers/secret-scan';

const HOST = 'http://leak-check.controlcenter.test';
const USER = 'api-user-4711';
const PASSWORD = 'Cc9PASSWORDCANARYq2Wz7';
const TOKEN = basicAuth(USER, PASSWORD).slice('Basic '.length);
const SECRETS = [PASSWORD, TOKEN];

/** Bodies the stand-in sent, to prove the echoing cases really carried the secret. */
const sentBodies: string[] = [];

/** A reply that echoes the request's Authorization header and the decoded password into Verotel's title. */
function echo(status: number, html = false) {
	return () =>
		nock(HOST)
			.post(/\/api\/sale\/\d+\/cancel/)
			.reply(function reply() {
				const authorization = String(this.req.headers.authorization ?? '');
				const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString(
					'utf8',
				);
				const text = `Rejected ${authorization} (${decoded})`;
				const body = html
					? `<html><body>${text}</body></html>`
					: JSON.stringify({ error: { title: text } });
				sentBodies.push(body);
				return [status, body, { 'Content-Type': html ? 'text/html' : 'application/json' }];
			});
}

const reply = (status: number, body: unknown) => () =>
	nock(HOST)
		.post(/\/api\/sale\/\d+\/cancel/)
		.reply(status, JSON.stringify(body), { 'Content-Type': 'application/json' });

const cases: Array<[string, string, () => unknown, 'ok' | 'fails', boolean]> = [
	['cancelled (200)', '433456', reply(200, { is_success: true }), 'ok', false],
	[
		'already cancelled (412)',
		'433456',
		reply(412, { error: { title: 'This sale is already cancelled.' } }),
		'ok',
		false,
	],
	[
		'401 whose title echoes the Authorization header and the password',
		'1',
		echo(401),
		'fails',
		true,
	],
	['404 whose title echoes them', '2', echo(404), 'fails', true],
	['403 plain', '3', reply(403, { error: { title: 'Forbidden.' } }), 'fails', false],
	['500 with an HTML body that echoes them', '4', echo(500, true), 'fails', true],
	['200 without is_success whose title echoes them', '5', echo(200), 'fails', true],
	['412 other title echoing them', '6', echo(412), 'fails', true],
	['non-numeric sale ID', 'abc', () => undefined, 'fails', false],
];

let logger: Logger;
let consoleSpies: jest.SpyInstance[];

setUpEngineWithNock();
beforeAll(() => {
	logger = Container.get(Logger);
});
beforeEach(() => {
	consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
		jest.spyOn(console, method).mockImplementation(() => {}),
	);
});
afterEach(() => {
	for (const spy of consoleSpies) spy.mockRestore();
});

function logCalls(): unknown[] {
	const calls: unknown[] = consoleSpies.map((spy) => spy.mock.calls);
	const record = logger as unknown as Record<string, { mock?: { calls: unknown[] } }>;
	for (const method of ['error', 'warn', 'info', 'debug', 'verbose'])
		calls.push(record[method]?.mock?.calls ?? []);
	return calls;
}

function expectNoSecret(result: EngineRunResult): void {
	const task = result.task(FLEXPAY);
	expect(task).toBeDefined();
	for (const secret of SECRETS) {
		expect(findSecret(result.run, secret)).toEqual([]);
		expect(findSecret(task, secret)).toEqual([]);
		expect(JSON.stringify(result.run)).not.toContain(secret);
		expect(findSecret(logCalls(), secret)).toEqual([]);
	}
}

async function run(
	saleId: string,
	continueOnFail: boolean,
	baseUrl = `${HOST}/api`,
): Promise<EngineRunResult> {
	const parameters = { resource: 'subscription', operation: 'cancel', saleID: saleId };
	const onError = continueOnFail ? 'continueRegularOutput' : undefined;
	return await runActionWorkflow(
		actionWorkflow(parameters, { credentials: CONTROL_CENTER_CREDENTIAL, onError }),
		{
			cc: {
				type: 'verotelControlCenterApi',
				data: { username: USER, password: PASSWORD, baseUrl },
			},
		},
	);
}

describe.each([
	['stop on error', false],
	['continue on error', true],
])('no trace of the Control Center password (%s)', (_mode, continueOnFail) => {
	it.each(cases)('%s', async (_label, saleId, arrange, outcome, echoes) => {
		sentBodies.length = 0;
		arrange();
		const result = await run(saleId, continueOnFail);
		expectNoSecret(result);
		// The case reached its intended outcome, so the scan covered a real success or failure...
		const failed = continueOnFail
			? result.outputItems(FLEXPAY)?.[0]?.error !== undefined
			: result.run.status === 'error';
		expect(failed ? 'fails' : 'ok').toBe(outcome);
		// ...and an echoing answer really carried the secrets to the node.
		if (echoes) expect(sentBodies.join('')).toContain(PASSWORD);
		if (echoes) expect(sentBodies.join('')).toContain(TOKEN);
	});

	it('a refused connection', async () => {
		const port = await closedPort();
		nock.enableNetConnect('127.0.0.1');
		const result = await run('7', continueOnFail, `http://127.0.0.1:${port}/api`);
		expectNoSecret(result);
		expect(
			continueOnFail ? result.outputItems(FLEXPAY)?.[0]?.error : result.run.data.resultData.error,
		).toBeDefined();
	});
});

describe('the canary itself', () => {
	it("masks an echoed secret in Verotel's title but keeps the rest of it", async () => {
		echo(401)();
		const result = await run('1', true);
		const message = String(result.outputJson(FLEXPAY)?.[0]?.error);
		expect(message).toMatch(
			/^Verotel Control Center could not cancel sale 1 \(HTTP 401\): Rejected Basic \*\*\* \(api-user-4711:\*\*\*\)$/,
		);
	});
});
