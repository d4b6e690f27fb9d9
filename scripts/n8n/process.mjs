// The n8n process: the environment it runs with, its CLI run to completion, and the server
// started detached, in its own process group, so that stopping it takes its task runners too.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

import { killGroup } from '../processes.mjs';
import { withTimeout } from '../wait.mjs';

/** ANSI colours (and any other terminal escape sequence) removed. */
const stripColours = (text) => stripVTControlCharacters(text);

/** The last `lines` lines of a file, ANSI colours removed. */
export function tailOf(file, lines = 40) {
	try {
		const text = stripColours(fs.readFileSync(file, 'utf8'));
		return text
			.split('\n')
			.slice(-lines - 1)
			.join('\n');
	} catch {
		return '(no log)';
	}
}

/**
 * The environment of every n8n process of one instance (server and CLI).
 * @param {object} options
 * @param {{ nodeBin: string, env: Record<string, string> }} options.n8n the installation (ensureN8n())
 * @param {'start' | 'webhook' | 'worker'} options.command
 * @param {Record<string, string>} options.extraEnv wins over everything else
 */
export function n8nEnvironment({
	n8n,
	command,
	userFolder,
	port,
	baseUrl,
	brokerPort,
	encryptionKey,
	logLevel,
	extraEnv,
}) {
	// Do not inherit n8n settings from the caller's environment: a test must not depend on them.
	// Nor the test runner's: jest sets NODE_ENV=test, which silences n8n's logger and changes its
	// behaviour, and NODE_OPTIONS (e.g. --experimental-vm-modules, --inspect) is not for n8n.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([key]) =>
				!/^(N8N_|DB_|WEBHOOK_URL$|EXECUTIONS_|QUEUE_|NODE_ENV$|NODE_OPTIONS$|JEST_WORKER_ID$)/.test(
					key,
				),
		),
	);
	return {
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
		N8N_ENCRYPTION_KEY: encryptionKey,
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
		...(command === 'worker'
			? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port) }
			: {}),
		...n8n.env,
		...extraEnv,
	};
}

/**
 * The function that runs an n8n CLI command to completion (n8n must not be running, unless said
 * otherwise), its output appended to `logFile`: `cli(args, moreEnv) -> Promise<output>`.
 */
export function n8nCli({ n8n, env, workDir, logFile }) {
	return (args, moreEnv = {}) =>
		new Promise((resolve, reject) => {
			execFile(
				n8n.nodeBin,
				[n8n.n8nBin, ...args],
				// The CLI reports through the logger: at level "warn" or below it says nothing useful.
				{
					cwd: workDir,
					env: { ...env, N8N_LOG_LEVEL: 'info', ...moreEnv },
					maxBuffer: 64 * 1024 * 1024,
					timeout: 180_000,
				},
				(error, stdout, stderr) => {
					const output = stripColours(`${stdout}${stderr}`);
					fs.appendFileSync(logFile, `\n$ n8n ${args.join(' ')}\n${output}`);
					if (error)
						reject(
							new Error(`n8n ${args.join(' ')} failed: ${error.message}\n${output.slice(-4000)}`),
						);
					else resolve(output);
				},
			);
		});
}

/**
 * `n8n <command>` started detached = own process group, so stop() can signal n8n and its task
 * runners together; its output is appended to `logFile`.
 */
export function spawnN8n({ n8n, command, env, workDir, logFile, log }) {
	const logFd = fs.openSync(logFile, 'a');
	fs.writeSync(logFd, `\n$ n8n ${command}\n`);
	const child = spawn(n8n.nodeBin, [n8n.n8nBin, command], {
		cwd: workDir,
		env,
		detached: true,
		stdio: ['ignore', logFd, logFd],
	});
	fs.closeSync(logFd);
	// Do not keep the caller's event loop alive just because n8n runs (jest open handles).
	child.unref();
	let exited = false;
	const exitPromise = new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			exited = true;
			resolve({ code, signal });
		});
	});
	child.once('error', () => {
		exited = true;
	});
	return {
		pid: child.pid,
		/** Resolves with { code, signal } when the n8n process exits (for whatever reason). */
		exited: exitPromise,
		hasExited: () => exited,
		killNow() {
			if (!exited) killGroup(child.pid, 'SIGKILL');
		},
		/** SIGTERM; after `graceMs` (the time n8n may take to finish its running executions), SIGKILL. */
		async stop(graceMs) {
			if (!exited) {
				killGroup(child.pid, 'SIGTERM');
				if ((await withTimeout(exitPromise, graceMs)) === 'timeout') {
					log(`n8n did not exit within ${graceMs / 1000} s of SIGTERM: SIGKILL`);
					killGroup(child.pid, 'SIGKILL');
					await withTimeout(exitPromise, 5_000);
				}
			}
			// Anything left in the group (a task runner that outlived the main process) goes too.
			killGroup(child.pid, 'SIGKILL');
		},
	};
}
