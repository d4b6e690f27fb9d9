/**
 * release.yml: a release publishes to npm with provenance from a `v*` tag that
 * must equal package.json's version, after build, lint and unit tests.
 */
import { execFileSync } from 'node:child_process';

import { onlyJob, pkg, root, runStep, usesStep, workflow } from './workflow-files';

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
