// Start a real, throwaway n8n with a community package installed, fixtures imported and
// workflows activated; read back what it executed.
//
//   import { ensureN8n } from './install.mjs';
//   import { startN8n } from './instance.mjs';
//   const n8n = await startN8n({
//     install: await ensureN8n('2'),          // or just '2' / '1' / '2.41.1'
//     packageDir: '/path/to/built/package',   // or tarball: '/path/to/pkg-0.1.0.tgz'
//     credentials: [{ id, name, type, data }],
//     workflows: [{ id, name, nodes, connections }],
//     waitForWebhooks: ['<webhookId>/<path>'],
//   });
//   await fetch(n8n.webhookUrl('<webhookId>/<path>'));
//   const [execution] = await n8n.waitForExecutions({ workflowId, count: 1 });
//   await n8n.stop();
//
// Everything n8n writes lives in a fresh temp folder (N8N_USER_FOLDER) that stop() removes
// (set N8N_E2E_KEEP_TMP=1 to keep it for debugging), unless `userFolder` names a folder to use
// and keep (`npm start` does that, so that what a user builds in the editor survives a restart).
// n8n runs detached in its own process group so that stop() can take its task runner down with
// it; exit/signal handlers make sure no n8n outlives the process that started it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sqliteExecutions } from './executions.mjs';
import { importCredentials, importFixtures } from './fixtures.mjs';
import { httpRequest } from './http.mjs';
import { ensureN8n } from './install.mjs';
import { installCommunityPackage } from './package.mjs';
import { freePorts, isPortFree } from './ports.mjs';
import { n8nCli, n8nEnvironment, spawnN8n, tailOf } from './process.mjs';
import { typesReader } from './types.mjs';
import { stopOnExit } from '../processes.mjs';
import { waitUntil } from '../wait.mjs';

/** Fixed so that credentials imported with plain `data` can be decrypted by the server. */
export const ENCRYPTION_KEY = 'n8n-nodes-verotel-flexpay-e2e-encryption-key';

const defaultLog = (line) => console.log(`[n8n] ${line}`);

/**
 * Start a fresh n8n.
 *
 * @param {object} options
 * @param {string | object} [options.install='2'] result of ensureN8n(), or a line / version for it
 * @param {string} [options.packageDir] folder of the built community package to `npm pack`
 * @param {string} [options.tarball] or an `npm pack` tarball of it
 * @param {Array<{ packageDir?: string, tarball?: string }>} [options.extraPackages] more community
 *   packages installed beside it
 * @param {object[] | string} [options.credentials] credential objects ({ id?, name, type, data }) or a JSON file
 * @param {object[] | string} [options.workflows] workflow objects ({ id?, name, nodes, connections }) or a JSON file
 * @param {boolean | string[]} [options.activate=true] activate all imported workflows, or these ids
 * @param {Array<string | { path: string, method?: string }>} [options.waitForWebhooks] production
 *   webhook paths (after /webhook/) to wait for, method defaults to GET
 * @param {Record<string, string>} [options.env] extra environment for n8n (wins over the defaults)
 * @param {number} [options.port] the port to listen on (default: a free one); fails if it is taken
 * @param {string} [options.userFolder] use (and keep) this N8N_USER_FOLDER instead of a temp folder
 * @param {string} [options.logLevel] N8N_LOG_LEVEL, default env N8N_E2E_LOG_LEVEL or 'info'
 * @param {'start' | 'webhook' | 'worker'} [options.command='start'] the n8n process to run: queue
 *   mode has one main (`start`), webhook processes and workers; a worker's /healthz is served on
 *   the instance's port (QUEUE_HEALTH_CHECK_PORT)
 * @param {boolean} [options.waitForReadiness=false] also wait for /healthz/readiness (the editor
 *   is served only then)
 * @param {number} [options.startTimeoutMs=120000] for /healthz (and /healthz/readiness)
 * @param {number} [options.webhookTimeoutMs=60000] for each webhook to be registered
 * @param {(line: string) => void} [options.log]
 */
export async function startN8n({
	install = '2',
	command = 'start',
	packageDir,
	tarball,
	extraPackages = [],
	credentials,
	workflows,
	activate = true,
	waitForWebhooks = [],
	env: extraEnv = {},
	port: fixedPort,
	userFolder: keptUserFolder,
	logLevel = process.env.N8N_E2E_LOG_LEVEL || 'info',
	waitForReadiness = false,
	startTimeoutMs = 120_000,
	webhookTimeoutMs = 60_000,
	log = defaultLog,
} = {}) {
	const n8n =
		typeof install === 'object' && install.n8nBin ? install : await ensureN8n(install, { log });
	const t0 = Date.now();
	const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

	// A kept folder is never removed; a temp folder is removed by stop() (unless N8N_E2E_KEEP_TMP).
	const keep = Boolean(keptUserFolder);
	const tmpRoot = keep
		? path.resolve(keptUserFolder)
		: fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${n8n.version}-`));
	const removeFolder = () => {
		if (keep) return;
		if (!process.env.N8N_E2E_KEEP_TMP) fs.rmSync(tmpRoot, { recursive: true, force: true });
	};
	// n8n keeps everything in <N8N_USER_FOLDER>/.n8n (database, config, nodes) and
	// <N8N_USER_FOLDER>/.cache/n8n/public (generated editor files and types/nodes.json).
	const userFolder = tmpRoot;
	const workDir = path.join(tmpRoot, 'e2e');
	fs.rmSync(workDir, { recursive: true, force: true });
	fs.mkdirSync(workDir, { recursive: true });
	const logFile = path.join(tmpRoot, 'n8n.log');
	if (keep) fs.writeFileSync(logFile, ''); // one start's log at a time
	const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');

	let server; // the spawned n8n (spawnN8n())
	let stopping;
	const instance = {
		killNow() {
			server?.killNow();
			removeFolder();
			forget();
		},
		stop: (options) => stop(options),
	};
	// Replaced by the graceful version once n8n has been spawned.
	let stop = async () => instance.killNow();
	const forget = stopOnExit(instance);

	try {
		const [freePort, brokerPort] = await freePorts(2);
		const port = fixedPort ? Number(fixedPort) : freePort;
		if (fixedPort && !(await isPortFree(port))) {
			throw new Error(
				`Port ${port} on 127.0.0.1 is already in use (another n8n?): stop it or choose another port`,
			);
		}
		const baseUrl = `http://127.0.0.1:${port}`;
		const env = n8nEnvironment({
			n8n,
			command,
			userFolder,
			port,
			baseUrl,
			brokerPort,
			encryptionKey: ENCRYPTION_KEY,
			logLevel,
			extraEnv,
		});

		let communityPackage;
		if (packageDir || tarball) {
			communityPackage = installCommunityPackage({ packageDir, tarball, userFolder, workDir, log });
		}
		for (const extra of extraPackages)
			installCommunityPackage({ ...extra, userFolder, workDir, log });

		const cli = n8nCli({ n8n, env, workDir, logFile });
		const { credentialIds, workflowIds } = await importFixtures({
			cli,
			workDir,
			major: n8n.major,
			credentials,
			workflows,
			activate,
			log: (line) => log(`${line} (${elapsed()})`),
		});

		server = spawnN8n({ n8n, command, env, workDir, logFile, log });

		// The temp folder (and the log) is removed on failure unless N8N_E2E_KEEP_TMP is set, so
		// the message carries the tail of the log.
		const fail = (message) =>
			new Error(
				`${message} (n8n ${n8n.version}, log ${logFile}); last lines of n8n's log:\n${tailOf(logFile)}`,
			);

		const waitFor = (what, timeoutMs, probe) =>
			waitUntil(what, probe, {
				timeoutMs,
				failIf: () => (server.hasExited() ? 'n8n exited' : undefined),
				error: fail,
			});

		// graceMs: how long n8n may take to finish its running executions after SIGTERM.
		stop = async ({ graceMs = 10_000 } = {}) => {
			stopping ??= (async () => {
				await server.stop(graceMs);
				forget();
				removeFolder();
				if (keep || process.env.N8N_E2E_KEEP_TMP) log(`kept ${tmpRoot}`);
			})();
			return stopping;
		};

		await waitFor(
			'/healthz',
			startTimeoutMs,
			async () => (await httpRequest(`${baseUrl}/healthz`)).status === 200,
		);
		// /healthz answers before n8n serves the editor; /healthz/readiness once it does.
		if (waitForReadiness) {
			await waitFor(
				'/healthz/readiness',
				startTimeoutMs,
				async () => (await httpRequest(`${baseUrl}/healthz/readiness`)).status === 200,
			);
		}
		log(
			`n8n ${n8n.version}${command === 'start' ? '' : ` ${command}`} is up on ${baseUrl}, pid ${server.pid} (${elapsed()})`,
		);

		const webhookUrl = (webhookPath) =>
			`${baseUrl}/webhook/${String(webhookPath).replace(/^\/+/, '')}`;
		for (const entry of waitForWebhooks) {
			const { path: webhookPath, method = 'GET' } =
				typeof entry === 'string' ? { path: entry } : entry;
			// A CORS preflight answers 204 only once a webhook is registered for that path and method,
			// and never starts an execution. (Without Access-Control-Request-Method it would answer
			// 204 for any path.) 2.x activates workflows in the background after /healthz is up.
			await waitFor(
				`webhook ${method} ${webhookPath} to be registered`,
				webhookTimeoutMs,
				async () => {
					const response = await httpRequest(webhookUrl(webhookPath), {
						method: 'OPTIONS',
						headers: { Origin: baseUrl, 'Access-Control-Request-Method': method },
					});
					return response.status === 204;
				},
			);
		}
		if (waitForWebhooks.length)
			log(`${waitForWebhooks.length} webhook(s) registered (${elapsed()})`);

		const { executions, executionCounts, waitForExecutions, waitForNewExecutions, leaveRunning } =
			sqliteExecutions({
				n8n,
				dbFile,
				workDir,
				fail,
			});

		const { listNodeTypes, listCredentialTypes } = typesReader(userFolder, waitFor);

		/**
		 * `n8n execute --id=<workflowId>` against this n8n's data while it runs: the way to run a
		 * workflow on demand that starts with a Manual Trigger (e.g. beside a Schedule Trigger).
		 * The CLI starts a task broker of its own, so it gets its own port. Resolves with the CLI's
		 * output; rejects when the execution fails.
		 */
		async function executeWorkflow(workflowId) {
			const [cliBrokerPort] = await freePorts(1);
			return cli(['execute', `--id=${workflowId}`], {
				N8N_RUNNERS_BROKER_PORT: String(cliBrokerPort),
			});
		}

		return Object.assign(instance, {
			version: n8n.version,
			line: n8n.line,
			nodeVersion: n8n.nodeVersion,
			baseUrl,
			port,
			webhookUrl,
			webhookTestUrl: (webhookPath) =>
				`${baseUrl}/webhook-test/${String(webhookPath).replace(/^\/+/, '')}`,
			pid: server.pid,
			/** Resolves with { code, signal } when the n8n process exits (for whatever reason). */
			exited: server.exited,
			logFile,
			userFolder,
			dbFile,
			communityPackage,
			credentialIds,
			workflowIds,
			stop,
			executions,
			waitForExecutions,
			waitForNewExecutions,
			leaveRunning,
			executionCounts,
			executeWorkflow,
			importCredentials: (list) => importCredentials(cli, workDir, list),
			listNodeTypes,
			listCredentialTypes,
			logTail: (lines = 40) => tailOf(logFile, lines),
		});
	} catch (error) {
		// Whatever failed, leave nothing running and nothing on disk (stop() is the graceful
		// version once n8n has been spawned, else it just removes the folder).
		await stop();
		throw error;
	}
}
