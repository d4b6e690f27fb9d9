'use strict';
/**
 * Shared test helper (run as a separate process, under the Node version the
 * given n8n needs): runs n8n's REAL credential tester (n8n-cli-tester.cjs,
 * which applies the generic `authenticate` with n8n's own code) against this
 * package's built Verotel Control Center API credential and a local stand-in
 * of the Control Center API (Basic auth checked; 200, 401, 403, 404). It also
 * loads the package with that n8n's PackageDirectoryLoader (`loaded`).
 *
 *   node n8n-cli-control-center-tester.cjs <n8n package dir> <installed copy of this package>
 *
 * Prints one line `@@RESULT@@` + JSON (scenario -> { status, message, requests }).
 */
const http = require('node:http');
const path = require('node:path');

const { loadCredentialTester, printScenarios } = require('./n8n-cli-tester.cjs');

const [n8nDir, packageDir] = process.argv.slice(2);
const testCredential = loadCredentialTester(n8nDir);
const { VerotelControlCenterApi } = require(
	path.join(packageDir, 'dist/credentials/VerotelControlCenterApi.credentials.js'),
);

const USER = 'api-user-4711';
const PASSWORD = 'Cc9PASSWORDCANARYq2Wz7';

const requests = [];
const expectedAuth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const server = http.createServer((request, response) => {
	const url = new URL(request.url, 'http://local');
	requests.push({
		method: request.method,
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		accept: request.headers.accept,
		authorization: request.headers.authorization,
	});
	const send = (status, body) => {
		response.writeHead(status, { 'Content-Type': 'application/json' });
		response.end(JSON.stringify(body));
	};
	if (request.headers.authorization !== expectedAuth)
		return send(401, { error: { title: 'Invalid credentials.' } });
	if (url.pathname.startsWith('/inactive/'))
		return send(403, { error: { title: 'API access is not allowed.' } });
	if (request.method === 'GET' && url.pathname === '/api/dashboard/totals')
		return send(200, { totals: [] });
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
		const parameters = NodeHelpers.getNodeParameters(
			node.properties,
			{ resource },
			true,
			false,
			null,
			node,
		);
		shownFor[resource] = node.credentials
			.filter((credential) =>
				NodeHelpers.displayParameter(parameters, credential, { typeVersion: 1, parameters }, node),
			)
			.map((credential) => credential.name);
	}
	return {
		credentialTypes: Object.keys(loader.credentialTypes),
		controlCenterSupportedNodes: loader.known.credentials.verotelControlCenterApi?.supportedNodes,
		shownFor,
	};
}

printScenarios(server, async (base) => {
	const credential = new VerotelControlCenterApi();
	const run = async (data) => {
		const from = requests.length;
		const result = await testCredential(credential, data);
		return { ...result, requests: requests.slice(from) };
	};
	return {
		loaded: await loadedPackage(),
		valid: await run({ username: USER, password: PASSWORD, baseUrl: `${base}/api` }),
		wrongPassword: await run({
			username: USER,
			password: `${PASSWORD}-old`,
			baseUrl: `${base}/api`,
		}),
		notActivated: await run({
			username: USER,
			password: PASSWORD,
			baseUrl: `${base}/inactive/api`,
		}),
		notFound: await run({ username: USER, password: PASSWORD, baseUrl: `${base}/other` }),
	};
});
