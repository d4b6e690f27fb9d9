/**
 * ci.yml: the steps of `.ci/run`, split. A fast job (lint, typecheck, unit tests) that the
 * real-n8n jobs need, then the long suites side by side in a matrix of jobs sharing the n8n
 * install cache; together they run every suite `npm test` and `.ci/run` run.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { jobNamed, root, runStep, usesStep, workflow } from './workflow-files';

const runner = JSON.parse(
	execFileSync(process.execPath, [path.join(root, 'scripts', 'test-suites.mjs'), '--list'], {
		encoding: 'utf8',
	}),
) as {
	steps: { name: string; file?: string }[];
	groups: Record<string, string[]>;
};

describe('ci.yml: fast checks first, then the real-n8n suites in parallel', () => {
	const wf = workflow('ci.yml');
	const checks = jobNamed(wf, 'checks');
	const suites = jobNamed(wf, 'real-n8n');
	const groups = (suites.strategy?.matrix?.suites ?? []) as string[];

	test('runs on pushes to main and on pull requests', () => {
		expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
		expect(wf.on.push).toEqual({ branches: ['main'] });
	});

	test('read-only token', () => {
		expect(wf.permissions).toEqual({ contents: 'read' });
		for (const job of Object.values(wf.jobs)) expect(job.permissions).toBeUndefined();
	});

	test('two jobs: checks, and real-n8n after it', () => {
		expect(Object.keys(wf.jobs)).toEqual(['checks', 'real-n8n']);
		expect(checks.needs).toBeUndefined();
		expect(suites.needs).toBe('checks');
	});

	test('every job in the node:20-bookworm container (root, Debian apt), unconditional', () => {
		for (const job of [checks, suites]) {
			expect(job['runs-on']).toBe('ubuntu-latest');
			expect(job.container).toBe('node:20-bookworm');
			expect(job.if).toBeUndefined();
			expect(job['continue-on-error']).toBeUndefined();
			for (const step of job.steps) expect(step['continue-on-error']).toBeUndefined();
		}
	});

	test('checks: checkout, npm ci, lint, typecheck, test:unit, in that order, within 15 minutes', () => {
		expect(checks['timeout-minutes']).toBe(15);
		const order = [
			usesStep(checks, 'actions/checkout'),
			runStep(checks, 'npm ci'),
			runStep(checks, 'npm run lint'),
			runStep(checks, 'npm run typecheck'),
			runStep(checks, 'npm run test:unit'),
		];
		expect(order).toEqual([0, 1, 2, 3, 4]);
		expect(checks.steps).toHaveLength(5);
		for (const step of checks.steps) expect(step.if).toBeUndefined();
	});

	test('real-n8n: one job per group of suites, none cancelled by another failing', () => {
		expect(suites.strategy?.['fail-fast']).toBe(false);
		expect(Object.keys(suites.strategy?.matrix ?? {})).toEqual(['suites']);
		expect(groups.length).toBeGreaterThanOrEqual(4);
		expect(suites['timeout-minutes']).toBe(60);
	});

	test('the groups together run every e2e suite file, the queue suite and the real-n8n jest files, each once', () => {
		const named = groups.flatMap((g) => g.split(' '));
		expect(new Set(named).size).toBe(named.length);
		const e2eFiles = fs
			.readdirSync(path.join(root, 'test', 'e2e'))
			.filter((f) => f.endsWith('.e2e.mjs'));
		const files = named
			.map((name) => runner.steps.find((s) => s.name === name)?.file)
			.filter(Boolean);
		expect(files.sort()).toEqual(
			[...e2eFiles.map((f) => `test/e2e/${f}`), 'test/queue/queue.e2e.mjs'].sort(),
		);
		expect(named).toContain('real-n8n');
		// Every name is a step the runner knows, and no group repeats the fast job's work.
		for (const name of named) expect(runner.steps.map((s) => s.name)).toContain(name);
		expect(named).not.toContain('jest');
	});

	test('each job: checkout, n8n cache, npm ci, Chromium where the editor suite runs, then the suites last', () => {
		const order = [
			usesStep(suites, 'actions/checkout'),
			usesStep(suites, 'actions/cache'),
			runStep(suites, 'npm ci'),
			runStep(suites, 'bash .ci/chromium'),
			runStep(suites, 'node scripts/test-suites.mjs build n8n:install ${{ matrix.suites }}'),
		];
		expect(order).toEqual([0, 1, 2, 3, 4]);
		expect(suites.steps).toHaveLength(5);
		const chromium = suites.steps[order[3]];
		expect(chromium.if).toBe("contains(matrix.suites, 'editor')");
		// contains() on a string is a substring test: only the group that has the editor suite matches.
		expect(groups.filter((g) => g.includes('editor'))).toEqual(
			groups.filter((g) => g.split(' ').includes('editor')),
		);
		expect(groups.filter((g) => g.includes('editor'))).toHaveLength(1);
		for (const [i, step] of suites.steps.entries())
			if (i !== order[3]) expect(step.if).toBeUndefined();
	});

	test('each job builds and installs the whole n8n matrix first, so any job may save a complete cache', () => {
		const command = suites.steps[suites.steps.length - 1].run ?? '';
		expect(command.split(' ').slice(2, 4)).toEqual(['build', 'n8n:install']);
		expect(runner.steps.find((s) => s.name === 'n8n:install')).toBeTruthy();
	});

	test('the cache is the n8n install folder, keyed on the n8n versions and the lockfile', () => {
		const cache = suites.steps[usesStep(suites, 'actions/cache')];
		expect(cache.uses).toBe('actions/cache@v4');
		expect(cache.with?.path).toBe('~/.cache/n8n-nodes-verotel-flexpay');
		// The same default folder scripts/n8n/cache.mjs installs n8n into.
		const install = fs.readFileSync(path.join(root, 'scripts', 'n8n', 'cache.mjs'), 'utf8');
		expect(install).toContain("path.join(os.homedir(), '.cache', 'n8n-nodes-verotel-flexpay')");
		const key = String(cache.with?.key);
		const hashed = /hashFiles\(([^)]*)\)/
			.exec(key)?.[1]
			.split(',')
			.map((s) => s.trim().replace(/^'|'$/g, ''));
		expect(hashed?.sort()).toEqual(['package-lock.json', 'scripts/n8n/versions.mjs']);
		for (const file of hashed ?? []) expect(fs.existsSync(path.join(root, file))).toBe(true);
		// One key for every job of the matrix: they share one cache.
		expect(key).not.toContain('matrix');
	});
});

describe('.ci/run: the same steps in one go, fast checks first', () => {
	const script = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
	const commands = script.split('\n').filter((l) => /^(npm|bash) /.test(l));

	test('npm ci, lint, typecheck, Chromium, npm test, then the queue suite', () => {
		expect(script).toMatch(/^set -euo pipefail$/m);
		expect(commands).toEqual([
			'npm ci',
			'npm run lint',
			'npm run typecheck',
			'bash .ci/chromium',
			'npm test',
			'npm run test:queue',
		]);
	});

	test(".ci/chromium installs Debian's chromium when it is missing", () => {
		const chromium = fs.readFileSync(path.join(root, '.ci', 'chromium'), 'utf8');
		expect(chromium).toMatch(/^set -euo pipefail$/m);
		expect(chromium).toMatch(/apt-get install -y[^\n]* chromium/);
		expect(chromium).toMatch(/command -v chromium/);
	});

	test('npm test runs what the GitHub jobs split: build, n8n:install, jest and the e2e suites', () => {
		expect(runner.groups.test).toEqual(['build', 'n8n:install', 'jest', ...runner.groups.e2e]);
	});
});
