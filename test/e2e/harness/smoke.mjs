// Smoke test of the real-n8n harness itself (not of this project's nodes):
//
//   node test/e2e/harness/smoke.mjs            # every line of the matrix (N8N_E2E_VERSIONS)
//
// It builds a throwaway community package in a temp folder (n8n-nodes-harness-smoke, one trigger
// node in plain CommonJS), then for each n8n version: installs n8n (cached), starts it with a
// workflow using that trigger, sends a GET to the production webhook and checks the reply, the
// single successful execution and that n8n lists the node type. Prints timings.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureN8n } from '../../../scripts/n8n/install.mjs';
import { httpRequest, startN8n } from '../../../scripts/n8n/instance.mjs';
import { resolveMatrix } from '../../../scripts/n8n/versions.mjs';

const PACKAGE_NAME = 'n8n-nodes-harness-smoke';
const NODE_NAME = 'harnessSmokeTrigger';
const NODE_TYPE = `${PACKAGE_NAME}.${NODE_NAME}`;
const CREDENTIAL_NAME = 'harnessSmokeApi';
const CREDENTIAL = { id: 'hArNeSsSmOkE0001', name: 'Harness smoke credential', type: CREDENTIAL_NAME, data: { token: 'smoke-token-123' } };

const CREDENTIAL_SOURCE = `'use strict';
class HarnessSmokeApi {
	constructor() {
		this.name = '${CREDENTIAL_NAME}';
		this.displayName = 'Harness Smoke API';
		this.properties = [
			{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		];
	}
}
module.exports = { HarnessSmokeApi };
`;

const TRIGGER_SOURCE = `'use strict';
// Answers every GET with a literal OK and starts the workflow with the query string.
class HarnessSmokeTrigger {
	constructor() {
		this.description = {
			displayName: 'Harness Smoke Trigger',
			name: '${NODE_NAME}',
			group: ['trigger'],
			version: 1,
			description: 'Throwaway trigger used by the e2e harness smoke test',
			defaults: { name: 'Harness Smoke Trigger' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'smoke' }],
			credentials: [{ name: '${CREDENTIAL_NAME}', required: true }],
			properties: [],
		};
		// Nothing to register at a remote service; n8n still calls these on (de)activation.
		this.webhookMethods = {
			default: {
				async checkExists() { return true; },
				async create() { return true; },
				async delete() { return true; },
			},
		};
	}
	async webhook() {
		// Proves the imported credential decrypts (only its length leaves the node).
		const { token } = await this.getCredentials('${CREDENTIAL_NAME}');
		// Write the reply ourselves: otherwise n8n answers the literal "firstEntryJson".
		this.getResponseObject().status(200).type('text/plain').send('OK');
		return {
			noWebhookResponse: true,
			workflowData: [[{ json: { query: this.getQueryData(), tokenLength: token.length } }]],
		};
	}
}
module.exports = { HarnessSmokeTrigger };
`;

/** Write the throwaway package into a temp folder; returns its folder. */
function buildSmokePackage() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-smoke-pkg-'));
	// n8n requires the module and takes the export named like the file.
	const nodeFile = 'dist/nodes/HarnessSmokeTrigger/HarnessSmokeTrigger.node.js';
	fs.mkdirSync(path.join(dir, path.dirname(nodeFile)), { recursive: true });
	fs.writeFileSync(path.join(dir, nodeFile), TRIGGER_SOURCE);
	const credentialFile = 'dist/credentials/HarnessSmokeApi.credentials.js';
	fs.mkdirSync(path.join(dir, path.dirname(credentialFile)), { recursive: true });
	fs.writeFileSync(path.join(dir, credentialFile), CREDENTIAL_SOURCE);
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: PACKAGE_NAME,
				version: '0.0.1',
				description: 'Throwaway package for the e2e harness smoke test',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				files: ['dist'],
				n8n: { n8nNodesApiVersion: 1, credentials: [credentialFile], nodes: [nodeFile] },
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
	return dir;
}

function smokeWorkflow(webhookId) {
	return {
		name: 'Harness smoke',
		nodes: [
			{
				id: crypto.randomUUID(),
				name: 'Smoke Trigger',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
				webhookId,
				credentials: { [CREDENTIAL_NAME]: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function smoke(spec, packageDir) {
	const timings = {};
	let t = Date.now();
	const install = await ensureN8n(spec);
	timings.ensure = Date.now() - t;

	const webhookId = crypto.randomUUID();
	const webhookPath = `${webhookId}/smoke`;
	t = Date.now();
	const n8n = await startN8n({
		install,
		packageDir,
		credentials: [CREDENTIAL],
		workflows: [smokeWorkflow(webhookId)],
		waitForWebhooks: [webhookPath],
	});
	timings.startToWebhookReady = Date.now() - t;
	try {
		const [workflowId] = n8n.workflowIds;

		t = Date.now();
		const response = await httpRequest(`${n8n.webhookUrl(webhookPath)}?hello=world&n=1`);
		timings.request = Date.now() - t;
		assert.equal(response.status, 200, `status; body: ${response.body}`);
		assert.equal(response.body, 'OK');
		assert.match(response.headers['content-type'] ?? '', /^text\/plain/);

		t = Date.now();
		await n8n.waitForExecutions({ workflowId, count: 1 });
		timings.executionSaved = Date.now() - t;
		// Give a (wrong) second execution the chance to show up before asserting "exactly one".
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		const executions = await n8n.executions({ workflowId });
		assert.equal(executions.length, 1, `executions: ${JSON.stringify(executions)}`);
		const [execution] = executions;
		assert.equal(execution.status, 'success');
		assert.equal(execution.mode, 'webhook');
		assert.deepEqual(execution.nodes['Smoke Trigger'], [{ query: { hello: 'world', n: '1' }, tokenLength: CREDENTIAL.data.token.length }]);

		const types = await n8n.listNodeTypes();
		assert.ok(
			types.some((type) => type.name === NODE_TYPE),
			`${NODE_TYPE} not among the ${types.length} node types n8n loaded`,
		);
		const credentialTypes = await n8n.listCredentialTypes();
		assert.ok(credentialTypes.some((type) => type.name === CREDENTIAL_NAME), `${CREDENTIAL_NAME} not loaded`);
	} finally {
		t = Date.now();
		await n8n.stop();
		timings.stop = Date.now() - t;
	}
	assert.ok(!fs.existsSync(n8n.userFolder) || process.env.N8N_E2E_KEEP_TMP, 'temp folder removed');
	return { install, timings };
}

const packageDir = buildSmokePackage();
let failed = 0;
try {
	for (const spec of resolveMatrix()) {
		const started = Date.now();
		console.log(`\n=== smoke: n8n ${spec.version} (line ${spec.line}, node ${spec.node}) ===`);
		try {
			const { install, timings } = await smoke(spec, packageDir);
			console.log(
				`PASS n8n ${install.version} on Node ${install.nodeVersion}: ` +
					Object.entries(timings)
						.map(([key, ms]) => `${key} ${seconds(ms)}`)
						.join(', ') +
					`, total ${seconds(Date.now() - started)}`,
			);
		} catch (error) {
			failed++;
			console.error(`FAIL n8n ${spec.version}: ${error.stack ?? error}`);
		}
	}
} finally {
	fs.rmSync(packageDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
