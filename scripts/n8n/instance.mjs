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

import { spawn, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sqliteExecutions } from './executions.mjs';
import { httpRequest } from './http.mjs';
import { ensureN8n } from './install.mjs';
import { installCommunityPackage } from './package.mjs';
import { freePorts, isPortFree } from './ports.mjs';
import { killGroup, stopOnExit } from '../processes.mjs';
import { waitUntil } from '../wait.mjs';

/** Fixed so that credentials imported with plain `data` can be decrypted by the server. */
export const ENCRYPTION_KEY = 'n8n-nodes-verotel-flexpay-e2e-encryption-key';

const defaultLog = (line) => console.log(`[n8n] ${line}`);

/** `promise`, or 'timeout' after `ms`; the timer is cleared so it does not hold the event loop. */
async function withTimeout(promise, ms) {
	let timer;
	try {
		return await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms, 'timeout')))]);
	} finally {
		clearTimeout(timer);
	}
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

/** The last `lines` lines of a file, ANSI colours removed. */
function tailOf(file, lines = 40) {
	try {
		const text = fs.readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
		return text.split('\n').slice(-lines - 1).join('\n');
	} catch {
		return '(no log)';
	}
}

/** n8n-style id: 16 alphanumeric characters. */
function newId() {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Accept an array/object of fixtures or the path of a JSON file; always return an array. */
function loadFixtures(value) {
	if (value === undefined || value === null) return [];
	const data = typeof value === 'string' ? JSON.parse(fs.readFileSync(value, 'utf8')) : value;
	return structuredClone(Array.isArray(data) ? data : [data]);
}

// ---------------------------------------------------------------------------------------------

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
	const n8n = typeof install === 'object' && install.n8nBin ? install : await ensureN8n(install, { log });
	const t0 = Date.now();
	const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

	// A kept folder is never removed; a temp folder is removed by stop() (unless N8N_E2E_KEEP_TMP).
	const keep = Boolean(keptUserFolder);
	const tmpRoot = keep ? path.resolve(keptUserFolder) : fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${n8n.version}-`));
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

	let child;
	let exited = false;
	let stopping;
	const instance = {
		killNow() {
			if (child && !exited) killGroup(child.pid, 'SIGKILL');
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
			throw new Error(`Port ${port} on 127.0.0.1 is already in use (another n8n?): stop it or choose another port`);
		}
		const baseUrl = `http://127.0.0.1:${port}`;

		// Do not inherit n8n settings from the caller's environment: a test must not depend on them.
		// Nor the test runner's: jest sets NODE_ENV=test, which silences n8n's logger and changes its
		// behaviour, and NODE_OPTIONS (e.g. --experimental-vm-modules, --inspect) is not for n8n.
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(
				([key]) =>
					!/^(N8N_|DB_|WEBHOOK_URL$|EXECUTIONS_|QUEUE_|NODE_ENV$|NODE_OPTIONS$|JEST_WORKER_ID$)/.test(key),
			),
		);
		const env = {
			...inherited,
			PATH: `${path.dirname(n8n.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${baseUrl}/`,
			// n8n's task broker defaults to 5679, which clashes between instances.
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			DB_TYPE: 'sqlite',
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			// The settings file lives in a temp folder we own; skip n8n's permission warning.
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_OUTPUT: 'console',
			N8N_LOG_LEVEL: logLevel,
			NO_COLOR: '1',
			...(command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) } : {}),
			...n8n.env,
			...extraEnv,
		};

		let communityPackage;
		if (packageDir || tarball) {
			communityPackage = installCommunityPackage({ packageDir, tarball, userFolder, workDir, log });
		}
		for (const extra of extraPackages) installCommunityPackage({ ...extra, userFolder, workDir, log });

		/** Run an n8n CLI command to completion (n8n must not be running, unless said otherwise). */
		const cli = (args, moreEnv = {}) =>
			new Promise((resolve, reject) => {
				execFile(
					n8n.nodeBin,
					[n8n.n8nBin, ...args],
					// The CLI reports through the logger: at level "warn" or below it says nothing useful.
					{ cwd: workDir, env: { ...env, N8N_LOG_LEVEL: 'info', ...moreEnv }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
					(error, stdout, stderr) => {
						const output = `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
						fs.appendFileSync(logFile, `\n$ n8n ${args.join(' ')}\n${output}`);
						if (error) reject(new Error(`n8n ${args.join(' ')} failed: ${error.message}\n${output.slice(-4000)}`));
						else resolve(output);
					},
				);
			});

		/**
		 * `n8n import:credentials`: n8n upserts by id, so importing a credential again with new
		 * data is how a running n8n gets a changed credential (a key rotated) from outside.
		 */
		async function importCredentials(list) {
			const file = path.join(workDir, 'credentials.json');
			fs.writeFileSync(file, JSON.stringify(list, null, 2));
			await cli(['import:credentials', `--input=${file}`]);
		}

		const creds = loadFixtures(credentials);
		for (const credential of creds) credential.id ??= newId();
		if (creds.length) {
			await importCredentials(creds);
			log(`imported ${creds.length} credential(s) (${elapsed()})`);
		}

		const wfs = loadFixtures(workflows);
		for (const workflow of wfs) {
			workflow.id ??= newId();
			workflow.active = false; // activation is done below, the supported way
			workflow.settings ??= {};
			workflow.connections ??= {};
		}
		if (wfs.length) {
			const file = path.join(workDir, 'workflows.json');
			fs.writeFileSync(file, JSON.stringify(wfs, null, 2));
			const output = await cli(['import:workflow', `--input=${file}`]);
			// 2.x skips workflows that violate its content-import policy, and only warns about it.
			const skipped = output.split('\n').filter((line) => line.includes('Skipped workflow'));
			if (skipped.length) throw new Error(`n8n import:workflow skipped workflows:\n${skipped.join('\n')}`);
			log(`imported ${wfs.length} workflow(s) (${elapsed()})`);
		}

		const toActivate = activate === true ? wfs.map((w) => w.id) : Array.isArray(activate) ? activate : [];
		for (const id of toActivate) {
			// 2.x publishes a workflow version; 1.x flips the active flag. Both only take effect
			// for an n8n that starts afterwards.
			await cli(n8n.major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']);
		}
		if (toActivate.length) log(`activated ${toActivate.length} workflow(s) (${elapsed()})`);

		// Start detached = own process group, so stop() can signal n8n and its task runners together.
		const logFd = fs.openSync(logFile, 'a');
		fs.writeSync(logFd, `\n$ n8n ${command}\n`);
		child = spawn(n8n.nodeBin, [n8n.n8nBin, command], {
			cwd: workDir,
			env,
			detached: true,
			stdio: ['ignore', logFd, logFd],
		});
		fs.closeSync(logFd);
		// Do not keep the caller's event loop alive just because n8n runs (jest open handles).
		child.unref();
		const exitPromise = new Promise((resolve) => {
			child.once('exit', (code, signal) => {
				exited = true;
				resolve({ code, signal });
			});
		});
		child.once('error', () => {
			exited = true;
		});

		// The temp folder (and the log) is removed on failure unless N8N_E2E_KEEP_TMP is set, so
		// the message carries the tail of the log.
		const fail = (message) =>
			new Error(`${message} (n8n ${n8n.version}, log ${logFile}); last lines of n8n's log:\n${tailOf(logFile)}`);

		const waitFor = (what, timeoutMs, probe) =>
			waitUntil(what, probe, { timeoutMs, failIf: () => (exited ? 'n8n exited' : undefined), error: fail });

		// graceMs: how long n8n may take to finish its running executions after SIGTERM.
		stop = async ({ graceMs = 10_000 } = {}) => {
			stopping ??= (async () => {
				if (child && !exited) {
					killGroup(child.pid, 'SIGTERM');
					if ((await withTimeout(exitPromise, graceMs)) === 'timeout') {
						log(`n8n did not exit within ${graceMs / 1000} s of SIGTERM: SIGKILL`);
						killGroup(child.pid, 'SIGKILL');
						await withTimeout(exitPromise, 5_000);
					}
				}
				// Anything left in the group (a task runner that outlived the main process) goes too.
				if (child) killGroup(child.pid, 'SIGKILL');
				forget();
				removeFolder();
				if (keep || process.env.N8N_E2E_KEEP_TMP) log(`kept ${tmpRoot}`);
			})();
			return stopping;
		};

		await waitFor('/healthz', startTimeoutMs, async () => (await httpRequest(`${baseUrl}/healthz`)).status === 200);
		// /healthz answers before n8n serves the editor; /healthz/readiness once it does.
		if (waitForReadiness) {
			await waitFor('/healthz/readiness', startTimeoutMs, async () => (await httpRequest(`${baseUrl}/healthz/readiness`)).status === 200);
		}
		log(`n8n ${n8n.version}${command === "start" ? "" : ` ${command}`} is up on ${baseUrl}, pid ${child.pid} (${elapsed()})`);

		const webhookUrl = (webhookPath) => `${baseUrl}/webhook/${String(webhookPath).replace(/^\/+/, '')}`;
		for (const entry of waitForWebhooks) {
			const { path: webhookPath, method = 'GET' } = typeof entry === 'string' ? { path: entry } : entry;
			// A CORS preflight answers 204 only once a webhook is registered for that path and method,
			// and never starts an execution. (Without Access-Control-Request-Method it would answer
			// 204 for any path.) 2.x activates workflows in the background after /healthz is up.
			await waitFor(`webhook ${method} ${webhookPath} to be registered`, webhookTimeoutMs, async () => {
				const response = await httpRequest(webhookUrl(webhookPath), {
					method: 'OPTIONS',
					headers: { Origin: baseUrl, 'Access-Control-Request-Method': method },
				});
				return response.status === 204;
			});
		}
		if (waitForWebhooks.length) log(`${waitForWebhooks.length} webhook(s) registered (${elapsed()})`);

		const { executions, executionCounts, waitForExecutions } = sqliteExecutions({ n8n, dbFile, workDir, fail });

		/**
		 * The node types n8n loaded, as listed to the editor: n8n writes them at start-up to
		 * <N8N_USER_FOLDER>/.cache/n8n/public/types/nodes.json (the file behind /types/nodes.json,
		 * which on 2.x needs a login). Returns [{ name, displayName, version, ... }] with one entry
		 * per node (versioned nodes may appear once per version).
		 */
		const listNodeTypes = () => readTypesFile('nodes');
		/** The credential types n8n loaded, [{ name, displayName, properties, ... }] (same source). */
		const listCredentialTypes = () => readTypesFile('credentials');

		async function readTypesFile(kind) {
			const file = path.join(userFolder, '.cache', 'n8n', 'public', 'types', `${kind}.json`);
			let types;
			// Retry until the file exists and parses: n8n may still be streaming it out.
			await waitFor(`${file} to be written`, 30_000, async () => {
				types = JSON.parse(fs.readFileSync(file, 'utf8'));
				return Array.isArray(types);
			});
			return types;
		}

		/**
		 * `n8n execute --id=<workflowId>` against this n8n's data while it runs: the way to run a
		 * workflow on demand that starts with a Manual Trigger (e.g. beside a Schedule Trigger).
		 * The CLI starts a task broker of its own, so it gets its own port. Resolves with the CLI's
		 * output; rejects when the execution fails.
		 */
		async function executeWorkflow(workflowId) {
			const [cliBrokerPort] = await freePorts(1);
			return cli(['execute', `--id=${workflowId}`], { N8N_RUNNERS_BROKER_PORT: String(cliBrokerPort) });
		}

		return Object.assign(instance, {
			version: n8n.version,
			line: n8n.line,
			nodeVersion: n8n.nodeVersion,
			baseUrl,
			port,
			webhookUrl,
			webhookTestUrl: (webhookPath) => `${baseUrl}/webhook-test/${String(webhookPath).replace(/^\/+/, '')}`,
			pid: child.pid,
			/** Resolves with { code, signal } when the n8n process exits (for whatever reason). */
			exited: exitPromise,
			logFile,
			userFolder,
			dbFile,
			communityPackage,
			credentialIds: creds.map((c) => c.id),
			workflowIds: wfs.map((w) => w.id),
			stop,
			executions,
			waitForExecutions,
			executionCounts,
			executeWorkflow,
			importCredentials,
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
