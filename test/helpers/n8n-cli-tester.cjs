'use strict';
/**
 * Shared by the tester scripts n8n-cli-credential-tester.cjs and
 * n8n-cli-control-center-tester.cjs, each run as a separate process under the
 * Node version the given n8n needs (test/helpers/n8n-installs.ts runWithN8n):
 * n8n's REAL credential tester, the CLI's `CredentialsTester.testCredentials`
 * from an installed n8n.
 *
 * Only the parts of the CLI that need a database are replaced: the
 * additional-data factory (`getBase`) and the credentials helper's storage
 * (`applyDefaultsAndOverwrites` applies the property defaults). Requests are
 * authenticated by n8n's own `CredentialsHelper.prototype.authenticate`, the
 * code n8n runs for every credential: it calls a function-style `authenticate`
 * and resolves a generic one with its `resolveValue`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Loads the tester of the n8n in `n8nDir` (before anything else requires n8n)
 * and returns `testCredential(credentialType, data)`: n8n's verdict
 * `{ status, message }` on a credential of that type holding `data`.
 */
function loadCredentialTester(n8nDir) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-credential-tester-'));
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

	require(require.resolve('reflect-metadata', { paths: [n8nDir] }));
	const additionalData = require(path.join(n8nDir, 'dist/workflow-execute-additional-data'));
	const { CredentialsTester } = require(
		path.join(n8nDir, 'dist/services/credentials-tester.service'),
	);
	const { CredentialsHelper } = require(path.join(n8nDir, 'dist/credentials-helper'));

	function tester(credentialType) {
		// n8n's own authenticate, with the credential type lookup it needs.
		const n8nHelper = {
			credentialTypes: { getByName: () => credentialType },
			resolveValue: CredentialsHelper.prototype.resolveValue,
		};
		const credentialsHelper = {
			getParentTypes: () => [],
			authenticate: async (credentials, typeName, requestOptions, workflow, node) =>
				await CredentialsHelper.prototype.authenticate.call(
					n8nHelper,
					credentials,
					typeName,
					requestOptions,
					workflow,
					node,
				),
			preAuthentication: async () => undefined,
			applyDefaultsAndOverwrites: async (_additional, data) => {
				const defaults = {};
				for (const property of credentialType.properties)
					defaults[property.name] = property.default;
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

	return async (credentialType, data) =>
		await tester(credentialType).testCredentials('user', credentialType.name, {
			id: 'credential-under-test',
			name: 'Credential under test',
			type: credentialType.name,
			data,
		});
}

/**
 * Starts `server` (the stand-in the credential is tested against) on a free
 * local port, runs `scenarios(baseUrl)` and prints one line `@@RESULT@@` + the
 * JSON of what it returns, or of `{ crashed }`; n8n may log other lines to
 * stdout before it. Then ends the process.
 */
function printScenarios(server, scenarios) {
	server.listen(0, '127.0.0.1', async () => {
		try {
			const results = await scenarios(`http://127.0.0.1:${server.address().port}`);
			process.stdout.write(`\n@@RESULT@@${JSON.stringify(results)}\n`);
		} catch (error) {
			process.stdout.write(
				`\n@@RESULT@@${JSON.stringify({ crashed: String((error && error.stack) || error) })}\n`,
			);
		} finally {
			server.close();
			process.exit(0);
		}
	});
}

module.exports = { loadCredentialTester, printScenarios };
