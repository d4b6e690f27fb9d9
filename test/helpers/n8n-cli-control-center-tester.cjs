'use strict';
/**
 * Shared test helper (run as a separate process, under the Node version the
 * given n8n needs): runs n8n's REAL credential tester — the CLI's
 * `CredentialsTester.testCredentials` from an installed n8n — against this
 * package's built Verotel Control Center API credential and a local stand-in
 * of the Control Center API (Basic auth checked; 200, 401, 403, 404).
 *
 *   node n8n-cli-control-center-tester.cjs <n8n package dir> <installed copy of this package>
 *
 * As in n8n-cli-credential-tester.cjs, only the parts of the CLI that need a
 * database are replaced (the additional-data factory and the credentials
 * helper's storage). The credential's generic `authenticate` is applied by
 * n8n's own `CredentialsHelper.prototype.authenticate` (and its
 * `resolveValue`), the code n8n runs for every generic credential.
 * It also loads the package with that n8n's PackageDirectoryLoader (`loaded`).
 * Prints one line `@@RESULT@@` + JSON (scenario -> { status, message, requests }).
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const [n8nDir, packageDir] = process.argv.slice(2);
process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-control-center-tester-'));
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

require(require.resolve('reflect-metadata', { paths: [n8nDir] }));
const additionalData = require(path.join(n8nDir, 'dist/workflow-execute-additional-data'));
const { CredentialsTester } = require(path.join(n8nDir, 'dist/services/credentials-tester.service'));
const { CredentialsHelper } = require(path.join(n8nDir, 'dist/credentials-helper'));
const { VerotelControlCenterApi } = require(path.join(packageDir, 'dist/credentials/VerotelControlCenterApi.credentials.js'));

const USER = 'api-user-4711';
const PASSWORD = 'Cc9PASSWORDCANARYq2Wz7';

function tester(credentialType) {
	// n8n's own generic-auth code, with the credential type lookup it needs.
	const n8nHelper = {
		credentialTypes: { getByName: () => credentialType },
		resolveValue: CredentialsHelper.prototype.resolveValue,
	};
	const credentialsHelper = {
		getParentTypes: () => [],
		authenticate: async (credentials, typeName, requestOptions, workflow, node) =>
			await CredentialsHelper.prototype.authenticate.call(n8nHelper, credentials, typeName, requestOptions, workflow, node),
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

const requests = [];
const expectedAuth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const server = http.createServer((request, response) => {
	const url = new URL(request.url, 'http://local');
	requests.push({ method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), accept: request.headers.accept, authorization: request.headers.authorization });
	const send = (status, body) => {
		response.writeHead(status, { 'Content-Type': 'application/json' });
		response.end(JSON.stringify(body));
	};
	if (request.headers.authorization !== expectedAuth) return send(401, { error: { title: 'Invalid credentials.' } });
	if (url.pathname.startsWith('/inactive/')) return send(403, { error: { title: 'API access is not allowed.' } });
	if (request.method === 'GET' && url.pathname === '/api/dashboard/totals') return send(200, { totals: [] });
	return send(404, { error: { title: 'Not found.' } });
});

/**
 * The package as this n8n loads an installed community package (its n8n-core
 * PackageDirectoryLoader), and which credential n8n's displayParameter shows
 * for each resource of the action node.
 */
async function loadedPackage() {
	const core = require(require.resolve('n8n-core', { paths: [n8nDir] }));
	const { NodeHelpers } = require(require.resolve('n8n-workflow', { paths: [n8nDir] }));
	const loader = new core.PackageDirectoryLoader(packageDir);
	await loader.loadAll();
	const node = loader.nodeTypes.verotelFlexPay.type.description;
	const shownFor = {};
	for (const resource of ['paymentLink', 'sale', 'signature', 'subscription']) {
		const parameters = NodeHelpers.getNodeParameters(node.properties, { resource }, true, false, null, node);
		shownFor[resource] = node.credentials
			.filter((credential) => NodeHelpers.displayParameter(parameters, credential, { typeVersion: 1, parameters }, node))
			.map((credential) => credential.name);
	}
	return {
		credentialTypes: Object.keys(loader.credentialTypes),
		controlCenterSupportedNodes: loader.known.credentials.verotelControlCenterApi?.supportedNodes,
		shownFor,
	};
}

server.listen(0, '127.0.0.1', async () => {
	const base = `http://127.0.0.1:${server.address().port}`;
	const credential = new VerotelControlCenterApi();
	const run = async (data) => {
		const from = requests.length;
		const result = await tester(credential).testCredentials('user', credential.name, {
			id: 'credential-under-test',
			name: 'Credential under test',
			type: credential.name,
			data,
		});
		return { ...result, requests: requests.slice(from) };
	};
	const results = {};
	try {
		results.loaded = await loadedPackage();
		results.valid = await run({ username: USER, password: PASSWORD, baseUrl: `${base}/api` });
		results.wrongPassword = await run({ username: USER, password: `${PASSWORD}-old`, baseUrl: `${base}/api` });
		results.notActivated = await run({ username: USER, password: PASSWORD, baseUrl: `${base}/inactive/api` });
		results.notFound = await run({ username: USER, password: PASSWORD, baseUrl: `${base}/other` });
		process.stdout.write(`\n@@RESULT@@${JSON.stringify(results)}\n`);
	} catch (error) {
		process.stdout.write(`\n@@RESULT@@${JSON.stringify({ crashed: String((error && error.stack) || error) })}\n`);
	} finally {
		server.close();
		process.exit(0);
	}
});
