'use strict';
/**
 * Shared test helper (run as a separate process, under the Node version the
 * given n8n needs): runs n8n's REAL credential tester — the CLI's
 * `CredentialsTester.testCredentials` from an installed n8n — against this
 * package's built credential and a local FlexPay status service that checks
 * signatures like Verotel (right key: `response: NOTFOUND`, wrong key:
 * `response: ERROR`).
 *
 *   node n8n-cli-credential-tester.cjs <n8n package dir> <installed copy of this package>
 *
 * The package copy must sit in a `node_modules` folder and NODE_PATH must point
 * at n8n's node_modules, so that `require('n8n-workflow')` inside the package
 * resolves to n8n's own copy, as for a community package installed in n8n.
 *
 * Only the parts of the CLI that need a database are replaced: the
 * additional-data factory (`getBase`) and the credentials helper's storage
 * (`applyDefaultsAndOverwrites` applies the property defaults, `authenticate`
 * calls the credential's own `authenticate` like n8n's CredentialsHelper does).
 * Prints one line `@@RESULT@@` + JSON (scenario -> { status, message }); n8n may log
 * other lines to stdout before it.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const [n8nDir, packageDir] = process.argv.slice(2);
process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-credential-tester-'));
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

require(require.resolve('reflect-metadata', { paths: [n8nDir] }));
const additionalData = require(path.join(n8nDir, 'dist/workflow-execute-additional-data'));
const { CredentialsTester } = require(path.join(n8nDir, 'dist/services/credentials-tester.service'));
const { VerotelFlexPayApi } = require(path.join(packageDir, 'dist/credentials/VerotelFlexPayApi.credentials.js'));

const SHOP = '60678';
const RIGHT_KEY = 'RightKey0123456789abcdefghijkl';
const WRONG_KEY = 'WrongKey0123456789abcdefghijkl';

function sign(key, params) {
	const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return crypto
		.createHash('sha256')
		.update([key, ...keys.map((k) => `${k}=${params[k]}`)].join(':'), 'utf8')
		.digest('hex');
}

function tester(credentialType) {
	const credentialsHelper = {
		getParentTypes: () => [],
		authenticate: async (credentials, _type, requestOptions) =>
			await credentialType.authenticate(credentials, requestOptions),
		preAuthentication: async () => undefined,
		applyDefaultsAndOverwrites: async (_additional, data) => {
			const defaults = {};
			for (const property of credentialType.properties) defaults[property.name] = property.default;
			return { ...defaults, ...data };
		},
	};
	additionalData.getBase = async () => ({
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		formWaitingBaseUrl: '',
		webhookBaseUrl: '',
		webhookWaitingBaseUrl: '',
		webhookTestBaseUrl: '',
		executeWorkflow: async () => {
			throw new Error('not supported');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	});
	const noOp = {
		description: {
			displayName: 'No Operation, do nothing',
			name: 'n8n-nodes-base.noOp',
			group: ['organization'],
			version: 1,
			defaults: { name: 'No Operation, do nothing' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		},
	};
	const quiet = { debug() {}, info() {}, warn() {}, error() {} };
	return new CredentialsTester(
		quiet,
		{ error() {} },
		{ getByName: () => credentialType, getSupportedNodes: () => [], getParentTypes: () => [] },
		{ getByNameAndVersion: () => noOp, getByName: () => noOp },
		credentialsHelper,
	);
}

const server = http.createServer((request, response) => {
	const query = Object.fromEntries(new URL(request.url, 'http://local').searchParams);
	const { signature, ...signed } = query;
	response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
	if (request.url.startsWith('/html/')) return response.end('<!doctype html><title>Shop</title>');
	const valid = signed.shopID === SHOP && signed.version === '4' && signature === sign(RIGHT_KEY, signed);
	response.end(valid ? 'response: NOTFOUND\n' : 'response: ERROR\nerror: Invalid signature\n');
});

server.listen(0, '127.0.0.1', async () => {
	const base = `http://127.0.0.1:${server.address().port}`;
	const credential = new VerotelFlexPayApi();
	const naive = Object.assign(Object.create(Object.getPrototypeOf(credential)), credential, {
		test: {
			...credential.test,
			rules: [{ type: 'responseSuccessBody', properties: { key: 'response', value: 'ERROR', message: 'naive rule fired' } }],
		},
	});
	const run = async (credentialType, data) =>
		await tester(credentialType).testCredentials('user', credentialType.name, {
			id: 'credential-under-test',
			name: 'Credential under test',
			type: credentialType.name,
			data,
		});
	const results = {};
	try {
		results.rightKey = await run(credential, { shopId: SHOP, signatureKey: RIGHT_KEY, baseUrl: base });
		results.wrongKey = await run(credential, { shopId: SHOP, signatureKey: WRONG_KEY, baseUrl: base });
		results.otherShop = await run(credential, { shopId: '11111', signatureKey: RIGHT_KEY, baseUrl: base });
		results.notFlexPay = await run(credential, { shopId: SHOP, signatureKey: RIGHT_KEY, baseUrl: `${base}/html` });
		results.badShopId = await run(credential, { shopId: 'my-shop', signatureKey: RIGHT_KEY, baseUrl: base });
		results.naiveRuleWrongKey = await run(naive, { shopId: SHOP, signatureKey: WRONG_KEY, baseUrl: base });
		process.stdout.write(`\n@@RESULT@@${JSON.stringify(results)}\n`);
	} catch (error) {
		process.stdout.write(`\n@@RESULT@@${JSON.stringify({ crashed: String((error && error.stack) || error) })}\n`);
	} finally {
		server.close();
		process.exit(0);
	}
});
