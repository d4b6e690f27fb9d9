// CommonJS entry point to the real-n8n harness (scripts/n8n/*.mjs) for jest tests.
//
// Why this file exists: the harness is ESM, and ts-jest compiles a test's `await import(...)` into
// `require(...)`, which cannot load ESM. This file is plain JS that no transform touches, so its
// `import()` stays a real dynamic import. Jest still needs Node's VM modules for that: run the e2e
// tests with NODE_OPTIONS=--experimental-vm-modules.
//
//   const { loadHarness } = require('./harness');
//   const { ensureN8n, startN8n, resolveMatrix } = await loadHarness();
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');

const scripts = path.resolve(__dirname, '..', '..', '..', 'scripts', 'n8n');
const url = (file) => pathToFileURL(path.join(scripts, file)).href;

/** All exports of versions.mjs, install.mjs and instance.mjs in one object. */
async function loadHarness() {
	const [versions, install, instance] = await Promise.all([
		import(url('versions.mjs')),
		import(url('install.mjs')),
		import(url('instance.mjs')),
	]);
	return { ...versions, ...install, ...instance };
}

module.exports = { loadHarness };
