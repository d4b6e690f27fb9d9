/**
 * The Verotel Control Center API credential: its description, its generic
 * authenticate (HTTP Basic + versioned Accept header) as n8n resolves it, and
 * its credential test run the way n8n's tester runs it (n8n-core RoutingNode +
 * the tester's rule evaluation, test/helpers/n8n-credential-tester.ts) against
 * a local HTTP stand-in of the Control Center API.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import nock from 'nock';

import {
	CONTROL_CENTER_CREDENTIAL_TYPE,
	CONTROL_CENTER_WRONG_LOGIN_MESSAGE,
	VerotelControlCenterApi,
} from '../../credentials/VerotelControlCenterApi.credentials';
import {
	basicAuth,
	startControlCenterServer,
	type ControlCenterServer,
} from '../helpers/control-center-server';
import { runCredentialTest } from '../helpers/n8n-credential-tester';
import { setUpN8nContainer } from '../helpers/n8n-container';
import { findSecret } from '../helpers/secret-scan';

const credential = new VerotelControlCenterApi();
const USER = 'api-user-4711';
/** A distinctive password: every leak assertion searches for it. */
const PASSWORD = 'Cc9PASSWORDCANARYq2Wz7';

beforeAll(() => setUpN8nContainer());

describe('VerotelControlCenterApi: description contract', () => {
	it('has the agreed names, icon and a full documentation URL', () => {
		expect(credential.name).toBe('verotelControlCenterApi');
		expect(credential.displayName).toBe('Verotel Control Center API');
		expect(credential.icon).toEqual({
			light: 'file:../icons/flexpay.svg',
			dark: 'file:../icons/flexpay.dark.svg',
		});
		expect(credential.documentationUrl).toBe(
			'https://github.com/verotel-flexpay-n8n/n8n-nodes-verotel-flexpay#verotel-control-center-api',
		);
	});

	it("the nodes name it by the constant, which equals the literal n8n's scanner reads", () => {
		expect(CONTROL_CENTER_CREDENTIAL_TYPE).toBe(credential.name);
	});

	it('declares API user, masked password, API version 1.5.0 and an overridable base URL', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(Object.keys(byName)).toEqual(['username', 'password', 'apiVersion', 'baseUrl']);
		expect(byName.username).toMatchObject({
			displayName: 'API User',
			type: 'string',
			required: true,
			default: '',
		});
		expect(byName.password).toMatchObject({
			type: 'string',
			required: true,
			typeOptions: { password: true },
		});
		expect(byName.apiVersion).toMatchObject({ type: 'string', default: '1.5.0' });
		expect(byName.baseUrl).toMatchObject({
			type: 'string',
			default: 'https://controlcenter.verotel.com/api',
		});
		expect(byName.baseUrl.required).toBeFalsy();
		expect(byName.username.description).toMatch(
			/activated per merchant by Verotel merchant support/,
		);
	});

	it('authenticates generically: Basic auth from the API user, Accept with the API version', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: {
				auth: { username: '={{$credentials.username}}', password: '={{$credentials.password}}' },
				headers: { Accept: '=application/json; version={{$credentials.apiVersion}}' },
			},
		});
	});

	it('tests with GET <baseUrl>/dashboard/totals?output_currency=USD; 401 and other refusals have their own messages', () => {
		expect(credential.test.request).toEqual({
			method: 'GET',
			baseURL: '={{$credentials.baseUrl || "https://controlcenter.verotel.com/api"}}',
			url: '/dashboard/totals',
			qs: { output_currency: 'USD' },
		});
		const codes = (credential.test.rules ?? []).map(
			(rule) => (rule.properties as { value: unknown }).value,
		);
		expect(codes).toEqual(expect.arrayContaining([401, 400, 403, 404, 405, 500, 502, 503]));
		expect(codes.filter((code) => code === 401)).toHaveLength(1);
	});
});

describe('credential test through n8n RoutingNode + the tester rules, against a local Control Center stand-in', () => {
	let server: ControlCenterServer;
	afterEach(async () => await server?.close());

	const data = (
		overrides: ICredentialDataDecryptedObject = {},
	): ICredentialDataDecryptedObject => ({
		username: USER,
		password: PASSWORD,
		baseUrl: server.baseUrl,
		...overrides,
	});

	it('200: "Connection successful!", with Basic auth, the versioned Accept header and the documented query', async () => {
		server = await startControlCenterServer({ username: USER, password: PASSWORD });
		const run = await runCredentialTest(credential, data());
		expect(run.result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]).toMatchObject({
			method: 'GET',
			path: '/api/dashboard/totals',
			query: { output_currency: 'USD' },
		});
		expect(server.requests[0].headers.authorization).toBe(basicAuth(USER, PASSWORD));
		expect(server.requests[0].headers.accept).toBe('application/json; version=1.5.0');
	});

	it("an emptied Base URL means Verotel's address", async () => {
		server = await startControlCenterServer({ username: USER, password: PASSWORD });
		const scope = nock('https://controlcenter.verotel.com')
			.get('/api/dashboard/totals')
			.query({ output_currency: 'USD' })
			.matchHeader('authorization', basicAuth(USER, PASSWORD))
			.reply(200, { totals: [] });
		try {
			const run = await runCredentialTest(credential, data({ baseUrl: '' }));
			expect(run.result.status).toBe('OK');
			expect(scope.isDone()).toBe(true);
		} finally {
			nock.cleanAll();
		}
	});

	it('sends the API version of the credential and accepts a Base URL with a trailing slash', async () => {
		server = await startControlCenterServer({ username: USER, password: PASSWORD });
		const run = await runCredentialTest(
			credential,
			data({ apiVersion: '1.4.2', baseUrl: `${server.baseUrl}/` }),
		);
		expect(run.result.status).toBe('OK');
		expect(server.requests[0].path).toBe('/api/dashboard/totals');
		expect(server.requests[0].headers.accept).toBe('application/json; version=1.4.2');
	});

	// n8n-workflow 2.8 (this repo's engine) drops the HTTP cause of the failed request, like
	// n8n 1.x, so the tester falls back to n8n's own text here; n8n 2.41.1 applies the
	// responseCode rules (checked below, and in control-center-credential-test-real-n8n.test.ts).
	it.each([
		['a wrong password (401)', { password: `${PASSWORD}-old` }, {}],
		['an account whose API is not activated (403)', {}, { activated: false }],
	])('fails for %s', async (_label, overrides, serverOptions) => {
		server = await startControlCenterServer({
			username: USER,
			password: PASSWORD,
			...serverOptions,
		});
		const run = await runCredentialTest(
			credential,
			data(overrides as ICredentialDataDecryptedObject),
		);
		expect(run.result.status).toBe('Error');
		expect(server.requests.length).toBeGreaterThan(0);
	});

	it('fails for a Base URL that is not the API (404)', async () => {
		server = await startControlCenterServer({ username: USER, password: PASSWORD });
		const run = await runCredentialTest(
			credential,
			data({ baseUrl: server.baseUrl.replace(/\/api$/, '/other') }),
		);
		expect(run.result.status).toBe('Error');
		expect(server.requests[0].path).toBe('/other/dashboard/totals');
	});

	it('never puts the password in the result or the error', async () => {
		server = await startControlCenterServer({ username: USER, password: PASSWORD });
		const token = basicAuth(USER, PASSWORD).slice('Basic '.length);
		for (const overrides of [
			{},
			{ password: `${PASSWORD}x` },
		] as ICredentialDataDecryptedObject[]) {
			const run = await runCredentialTest(credential, data(overrides));
			for (const secret of [PASSWORD, token]) {
				expect(findSecret(run.result, secret)).toEqual([]);
			}
			expect(JSON.stringify(run.result)).not.toContain(PASSWORD);
		}
	});
});

describe("the message n8n 2.x shows for a refused test (its tester's responseCode rule lookup)", () => {
	// n8n 2.41.1 dist/services/credentials-tester.service.js: the first responseCode rule whose
	// value equals the HTTP status gives the message; without one n8n shows the reason phrase.
	const messageFor = (status: number) =>
		(credential.test.rules ?? []).find(
			(rule) => rule.type === 'responseCode' && rule.properties.value === status,
		)?.properties.message;

	it('401: the API user or password is wrong; where they come from', () => {
		expect(messageFor(401)).toBe(CONTROL_CENTER_WRONG_LOGIN_MESSAGE);
		expect(messageFor(401)).toMatch(/rejected the API user or password \(HTTP 401\)/);
		expect(messageFor(401)).toMatch(/Control Center API access .*ask Verotel merchant support/);
	});

	it.each([400, 403, 404, 405, 406, 410, 412, 422, 429])(
		'%i: the Control Center API may not be activated; ask Verotel merchant support',
		(status) => {
			expect(messageFor(status)).toBe(
				`Verotel Control Center answered HTTP ${status}: the Control Center API may not be activated for this account. Verotel activates it per merchant: ask Verotel merchant support to activate it. If you changed the Base URL, check it (default https://controlcenter.verotel.com/api).`,
			);
		},
	);

	it.each([500, 502, 503, 504])(
		'%i: a server error, and the same hint if it keeps failing',
		(status) => {
			expect(messageFor(status)).toMatch(
				new RegExp(
					`^Verotel Control Center answered HTTP ${status} \\(a server error\\)\\. Try again later; if it keeps failing, the Control Center API may not be activated for this account\\.`,
				),
			);
			expect(messageFor(status)).toMatch(/ask Verotel merchant support/);
		},
	);

	it('has no rule for a success status', () => {
		for (const status of [200, 201, 204]) expect(messageFor(status)).toBeUndefined();
	});
});
