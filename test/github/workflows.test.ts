/**
 * The GitHub Actions workflows (.github/workflows): each passes action-validator
 * (GitHub's workflow schema, run offline from its WebAssembly build in
 * node_modules), the validator demonstrably rejects a broken workflow, and the
 * facts the project relies on hold: CI runs `.ci/run` unchanged in Debian
 * bookworm as root; a release publishes to npm with provenance from a `v*` tag
 * that must equal package.json's version, after build, lint and unit tests.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { load } from 'js-yaml';

const root = path.join(__dirname, '..', '..');
const workflowsDir = path.join(root, '.github', 'workflows');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	version: string;
	scripts: Record<string, string>;
};

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
	'continue-on-error'?: unknown;
	if?: unknown;
}
interface Job {
	'runs-on'?: unknown;
	container?: unknown;
	permissions?: unknown;
	'timeout-minutes'?: unknown;
	'continue-on-error'?: unknown;
	if?: unknown;
	steps: Step[];
}
interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	concurrency?: unknown;
	jobs: Record<string, Job>;
}

function workflow(file: string): Workflow {
	const doc = load(fs.readFileSync(path.join(workflowsDir, file), 'utf8'));
	if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a YAML mapping`);
	return doc as Workflow;
}

function onlyJob(wf: Workflow): Job {
	const jobs = Object.values(wf.jobs);
	expect(jobs).toHaveLength(1);
	return jobs[0];
}

/** The index of the one step whose `run` is exactly `command` (fails if there is not exactly one). */
function runStep(job: Job, command: string): number {
	const found = job.steps.flatMap((s, i) => (s.run?.trim() === command ? [i] : []));
	expect({ command, found: found.length }).toEqual({ command, found: 1 });
	return found[0];
}

/** The index of the one step that uses `action` (any version). */
function usesStep(job: Job, action: string): number {
	const found = job.steps.flatMap((s, i) => (s.uses?.split('@')[0] === action ? [i] : []));
	expect({ action, found: found.length }).toEqual({ action, found: 1 });
	return found[0];
}

/** The bin of @action-validator/cli, run with this Node: no network, no native binary. */
const validatorBin = (() => {
	const manifest = require.resolve('@action-validator/cli/package.json');
	const { bin } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
	return path.join(path.dirname(manifest), bin['action-validator']);
})();

function validate(file: string): { status: number; stdout: string; stderr: string } {
	try {
		const stdout = execFileSync(process.execPath, [validatorBin, file], { encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
		return { status: 0, stdout, stderr: '' };
	} catch (error) {
		const e = error as { status: number | null; stdout?: string; stderr?: string };
		if (typeof e.status !== 'number') throw error;
		return { status: e.status, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
	}
}

const workflowFiles = fs
	.readdirSync(workflowsDir)
	.filter((f) => /\.ya?ml$/.test(f))
	.sort();

describe('action-validator', () => {
	test('the workflows this test knows about are the ones present', () => {
		expect(workflowFiles).toEqual(['ci.yml', 'release.yml']);
	});

	test.each(workflowFiles)('%s passes the GitHub workflow schema', (file) => {
		const result = validate(path.join(workflowsDir, file));
		expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
	});

	describe('rejects broken copies of ci.yml, so passing means something', () => {
		const original = fs.readFileSync(path.join(workflowsDir, 'ci.yml'), 'utf8');
		let dir: string;
		beforeAll(() => {
			dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-workflows-'));
		});
		afterAll(() => {
			fs.rmSync(dir, { recursive: true, force: true });
		});

		function brokenCopy(name: string, edit: (text: string) => string): string {
			const text = edit(original);
			expect(text).not.toBe(original);
			const file = path.join(dir, name);
			fs.writeFileSync(file, text);
			return file;
		}

		function expectRejected(file: string, pathInError: string): void {
			const result = validate(file);
			expect(result.status).toBe(1);
			const report = JSON.parse(result.stderr) as { actionType: string; errors: unknown[] };
			expect(report.actionType).toBe('workflow');
			expect(report.errors.length).toBeGreaterThan(0);
			expect(JSON.stringify(report.errors)).toContain(pathInError);
		}

		test('a job without runs-on', () => {
			const file = brokenCopy('no-runs-on.yml', (t) => t.replace(/^ +runs-on:.*\n/m, ''));
			expect(load(fs.readFileSync(file, 'utf8'))).toBeTruthy(); // still YAML, just not a workflow
			expectRejected(file, '/jobs/test/runs-on');
		});

		test('a job with an unknown key', () => {
			const file = brokenCopy('unknown-key.yml', (t) => t.replace(/^( +)timeout-minutes: 90$/m, '$1timeout-minutes: 90\n$1timeout-minute: 90'));
			expectRejected(file, "Additional property 'timeout-minute' is not allowed");
		});

		test('the same copy unbroken passes (the rejection is about the edit)', () => {
			const file = path.join(dir, 'ci.yml');
			fs.writeFileSync(file, original);
			expect(validate(file).status).toBe(0);
		});
	});
});

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

describe('release.yml: npm publish with provenance from a version tag', () => {
	const wf = workflow('release.yml');
	const job = onlyJob(wf);

	test('triggers only on pushed v* tags', () => {
		expect(wf.on).toEqual({ push: { tags: ['v*'] } });
	});

	test('may mint an OIDC token (provenance) and only read the repository', () => {
		expect(wf.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(job.permissions).toBeUndefined();
	});

	test('runs on the hosted runner, not in a container (provenance needs its OIDC)', () => {
		expect(job['runs-on']).toBe('ubuntu-latest');
		expect(job.container).toBeUndefined();
		expect(job.if).toBeUndefined();
		expect(job['continue-on-error']).toBeUndefined();
	});

	test('Node 20 from setup-node, pointed at the npm registry', () => {
		const setup = job.steps[usesStep(job, 'actions/setup-node')];
		expect(setup.uses).toBe('actions/setup-node@v4');
		expect(setup.with).toMatchObject({ 'node-version': 20, 'registry-url': 'https://registry.npmjs.org' });
		expect(job.steps[usesStep(job, 'actions/checkout')].uses).toBe('actions/checkout@v4');
	});

	test('publishes with provenance, public, authenticated by secrets.NPM_TOKEN', () => {
		const publish = job.steps[runStep(job, 'npm publish --provenance --access public')];
		expect(publish.env).toEqual({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
		const publishes = job.steps.filter((s) => /\bnpm\s+publish\b/.test(s.run ?? ''));
		expect(publishes).toEqual([publish]);
	});

	test('checkout, setup-node, tag check, npm ci, build, lint, test:unit, then publish, in that order', () => {
		const order = [
			usesStep(job, 'actions/checkout'),
			usesStep(job, 'actions/setup-node'),
			job.steps.findIndex((s) => (s.run ?? '').includes('GITHUB_REF_NAME')),
			runStep(job, 'npm ci'),
			runStep(job, 'npm run build'),
			runStep(job, 'npm run lint'),
			runStep(job, 'npm run test:unit'),
			runStep(job, 'npm publish --provenance --access public'),
		];
		expect(order[2]).toBeGreaterThanOrEqual(0);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(order[order.length - 1]).toBe(job.steps.length - 1);
		for (const step of job.steps) {
			expect(step['continue-on-error']).toBeUndefined();
			expect(step.if).toBeUndefined();
		}
		for (const script of ['build', 'lint', 'test:unit']) expect(pkg.scripts[script]).toBeTruthy();
	});

	describe('the tag check, run as the workflow runs it', () => {
		const step = job.steps.find((s) => (s.run ?? '').includes('GITHUB_REF_NAME'));
		function check(tag: string): { status: number; output: string } {
			try {
				const output = execFileSync('bash', ['-e', '-c', step?.run ?? 'exit 99'], {
					cwd: root,
					env: { ...process.env, GITHUB_REF_NAME: tag },
					encoding: 'utf8',
					stdio: 'pipe',
				});
				return { status: 0, output };
			} catch (error) {
				const e = error as { status: number | null; stdout?: string; stderr?: string };
				if (typeof e.status !== 'number') throw error;
				return { status: e.status, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
			}
		}

		test('exists', () => {
			expect(step?.run).toBeTruthy();
		});

		test(`passes for v${pkg.version}`, () => {
			expect(check(`v${pkg.version}`).status).toBe(0);
		});

		test.each([pkg.version, `v${pkg.version}.1`, `v${pkg.version}-rc.1`, 'v0.0.0-not-this', 'vX', ''])('fails for tag %p', (tag) => {
			const result = check(tag);
			expect(result.status).not.toBe(0);
			expect(result.output).toContain(`package.json version ${pkg.version}`);
		});
	});
});
