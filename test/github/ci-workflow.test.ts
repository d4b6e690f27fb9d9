/**
 * ci.yml: CI runs `.ci/run` unchanged in Debian bookworm as root.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { onlyJob, root, runStep, usesStep, workflow } from './workflow-files';

describe('ci.yml: .ci/run in Debian bookworm as root', () => {
	const wf = workflow('ci.yml');
	const job = onlyJob(wf);

	test('runs on pushes to main and on pull requests', () => {
		expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
		expect(wf.on.push).toEqual({ branches: ['main'] });
	});

	test('read-only token', () => {
		expect(wf.permissions).toEqual({ contents: 'read' });
		expect(job.permissions).toBeUndefined();
	});

	test('one job in the node:20-bookworm container (root, Debian apt) with a 90-minute limit', () => {
		expect(job['runs-on']).toBe('ubuntu-latest');
		expect(job.container).toBe('node:20-bookworm');
		expect(job['timeout-minutes']).toBe(90);
		expect(job.if).toBeUndefined();
		expect(job['continue-on-error']).toBeUndefined();
	});

	test('checks out, restores the n8n installs, then runs `bash .ci/run` last', () => {
		const checkout = usesStep(job, 'actions/checkout');
		const cache = usesStep(job, 'actions/cache');
		const run = runStep(job, 'bash .ci/run');
		expect(job.steps[checkout].uses).toBe('actions/checkout@v4');
		expect(job.steps[cache].uses).toBe('actions/cache@v4');
		expect(checkout).toBeLessThan(cache);
		expect(cache).toBeLessThan(run);
		expect(run).toBe(job.steps.length - 1);
		for (const step of job.steps) {
			expect(step['continue-on-error']).toBeUndefined();
			expect(step.if).toBeUndefined();
		}
	});

	test('.ci/run is what npm test needs: chromium when missing, then npm ci && npm test', () => {
		const script = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
		expect(script).toMatch(/apt-get install -y[^\n]* chromium/);
		expect(script).toMatch(/^npm ci && npm test$/m);
	});

	test('the cache is the n8n install folder, keyed on the n8n versions and the lockfile', () => {
		const cache = job.steps[usesStep(job, 'actions/cache')];
		expect(cache.with?.path).toBe('~/.cache/n8n-nodes-verotel-flexpay');
		// The same default folder scripts/n8n/cache.mjs installs n8n into.
		const install = fs.readFileSync(path.join(root, 'scripts', 'n8n', 'cache.mjs'), 'utf8');
		expect(install).toContain("path.join(os.homedir(), '.cache', 'n8n-nodes-verotel-flexpay')");
		const key = String(cache.with?.key);
		const hashed = /hashFiles\(([^)]*)\)/.exec(key)?.[1].split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
		expect(hashed?.sort()).toEqual(['package-lock.json', 'scripts/n8n/versions.mjs']);
		for (const file of hashed ?? []) expect(fs.existsSync(path.join(root, file))).toBe(true);
	});
});
