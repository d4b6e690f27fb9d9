/**
 * release.yml: a release publishes to npm with provenance by trusted publishing (the workflow's
 * OIDC token, no stored npm token) from a `v*` tag that must equal package.json's version, after
 * the notes, build, lint, typecheck, unit tests and the tarball check; then a GitHub release with
 * CHANGELOG.md's notes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { jobNamed, pkg, root, runStep, usesStep, workflow } from './workflow-files';

/** Runs a step's `run` script with bash as the runner would; its exit status and output. */
function runScript(
	script: string,
	env: Record<string, string | undefined>,
): { status: number; output: string } {
	try {
		const output = execFileSync('bash', ['-e', '-c', script], {
			cwd: root,
			env: { ...process.env, ...env },
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

describe('release.yml: npm trusted publishing with provenance from a version tag', () => {
	const wf = workflow('release.yml');
	const publish = jobNamed(wf, 'publish');
	const release = jobNamed(wf, 'github-release');

	test('triggers only on pushed v* tags', () => {
		expect(wf.on).toEqual({ push: { tags: ['v*'] } });
	});

	test('two jobs: publish, then the GitHub release', () => {
		expect(Object.keys(wf.jobs)).toEqual(['publish', 'github-release']);
		expect(publish.needs).toBeUndefined();
		expect(release.needs).toBe('publish');
	});

	test('least privilege: read by default; the OIDC token for publish only; write for the release job only', () => {
		expect(wf.permissions).toEqual({ contents: 'read' });
		expect(publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(release.permissions).toEqual({ contents: 'write' });
	});

	test('runs on the hosted runner, not in a container (provenance needs its OIDC)', () => {
		for (const job of [publish, release]) {
			expect(job['runs-on']).toBe('ubuntu-latest');
			expect(job.container).toBeUndefined();
			expect(job.if).toBeUndefined();
			expect(job['continue-on-error']).toBeUndefined();
			for (const step of job.steps) {
				expect(step['continue-on-error']).toBeUndefined();
				expect(step.if).toBeUndefined();
			}
		}
	});

	test('Node 24 and npm 11 (trusted publishing needs Node 22.14+, npm 11.5.1+), no registry-url', () => {
		const setup = publish.steps[usesStep(publish, 'actions/setup-node')];
		expect(setup.uses).toBe('actions/setup-node@v4');
		// registry-url would write an .npmrc that asks for a token instead of the OIDC exchange.
		expect(setup.with).toEqual({ 'node-version': 24 });
		runStep(publish, 'npm install -g npm@11 && npm --version');
		expect(publish.steps[usesStep(publish, 'actions/checkout')].uses).toBe('actions/checkout@v4');
	});

	test('publishes once, with provenance, public, and no token in its environment', () => {
		const step = publish.steps[runStep(publish, 'npm publish --provenance --access public')];
		expect(step.env).toBeUndefined();
		const publishes = [...publish.steps, ...release.steps].filter((s) =>
			/\bnpm\s+publish\b/.test(s.run ?? ''),
		);
		expect(publishes).toEqual([step]);
		// The secret appears in one place only: the first-publication step below.
		const text = fs.readFileSync(path.join(root, '.github', 'workflows', 'release.yml'), 'utf8');
		expect(text.match(/secrets\.NPM_TOKEN/g)).toHaveLength(1);
		expect(text).not.toContain('NODE_AUTH_TOKEN');
	});

	test('order: checkout, Node, npm, tag check, notes, npm ci, build, lint, typecheck, test:unit, tarball check, token step, publish', () => {
		const order = [
			usesStep(publish, 'actions/checkout'),
			usesStep(publish, 'actions/setup-node'),
			runStep(publish, 'npm install -g npm@11 && npm --version'),
			publish.steps.findIndex((s) => (s.run ?? '').includes('GITHUB_REF_NAME')),
			runStep(publish, 'node scripts/release-notes.mjs --out "$RUNNER_TEMP/release-notes.md"'),
			runStep(publish, 'npm ci'),
			runStep(publish, 'npm run build'),
			runStep(publish, 'npm run lint'),
			runStep(publish, 'npm run typecheck'),
			runStep(publish, 'npm run test:unit'),
			runStep(publish, 'node scripts/check-pack.mjs'),
			publish.steps.findIndex((s) => (s.run ?? '').includes('NPM_TOKEN')),
			runStep(publish, 'npm publish --provenance --access public'),
		];
		expect(order).toEqual(order.map((_, i) => i));
		expect(order).toHaveLength(publish.steps.length);
		for (const script of ['build', 'lint', 'typecheck', 'test:unit'])
			expect(pkg.scripts[script]).toBeTruthy();
		for (const file of ['scripts/release-notes.mjs', 'scripts/check-pack.mjs'])
			expect(fs.existsSync(path.join(root, file))).toBe(true);
	});

	test('the GitHub release: checkout, the same notes, gh release create with them for the pushed tag', () => {
		expect(release.steps).toHaveLength(3);
		expect(usesStep(release, 'actions/checkout')).toBe(0);
		expect(
			runStep(release, 'node scripts/release-notes.mjs --out "$RUNNER_TEMP/release-notes.md"'),
		).toBe(1);
		const create = release.steps[2];
		expect(create.run?.trim()).toBe(
			'gh release create "$GITHUB_REF_NAME" --verify-tag --title "$GITHUB_REF_NAME" --notes-file "$RUNNER_TEMP/release-notes.md"',
		);
		expect(create.env).toEqual({ GH_TOKEN: '${{ github.token }}' });
	});

	describe('the NPM_TOKEN step, run as the workflow runs it', () => {
		const step = publish.steps.find((s) => (s.run ?? '').includes('NPM_TOKEN'));
		let home: string;
		beforeEach(() => {
			home = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-release-home-'));
		});
		afterEach(() => {
			fs.rmSync(home, { recursive: true, force: true });
		});
		// npm's user config lives in $HOME/.npmrc; a throwaway HOME keeps the real one untouched.
		const env = (token: string) => ({
			HOME: home,
			npm_config_userconfig: undefined,
			NPM_TOKEN: token,
		});

		test('takes the secret from the repository secrets only', () => {
			expect(step?.env).toEqual({ NPM_TOKEN: '${{ secrets.NPM_TOKEN }}' });
		});

		test('without the secret (GitHub passes an empty string) it writes no npm config: OIDC', () => {
			const result = runScript(step?.run ?? 'exit 99', env(''));
			expect(result.status).toBe(0);
			expect(result.output).toContain('npm trusted publishing (OIDC)');
			expect(fs.existsSync(path.join(home, '.npmrc'))).toBe(false);
		});

		test('with the secret it sets the token for registry.npmjs.org in the user config', () => {
			const result = runScript(step?.run ?? 'exit 99', env('npm_not-a-real-token'));
			expect(result.status).toBe(0);
			expect(result.output).toContain('publishing with the NPM_TOKEN secret');
			expect(result.output).not.toContain('npm_not-a-real-token');
			expect(fs.readFileSync(path.join(home, '.npmrc'), 'utf8')).toContain(
				'//registry.npmjs.org/:_authToken=npm_not-a-real-token',
			);
		});
	});

	describe('the tag check, run as the workflow runs it', () => {
		const step = publish.steps.find((s) => (s.run ?? '').includes('GITHUB_REF_NAME'));
		const check = (tag: string) => runScript(step?.run ?? 'exit 99', { GITHUB_REF_NAME: tag });

		test('exists', () => {
			expect(step?.run).toBeTruthy();
		});

		test(`passes for v${pkg.version}`, () => {
			expect(check(`v${pkg.version}`).status).toBe(0);
		});

		test.each([
			pkg.version,
			`v${pkg.version}.1`,
			`v${pkg.version}-rc.1`,
			'v0.0.0-not-this',
			'vX',
			'',
		])('fails for tag %p', (tag) => {
			const result = check(tag);
			expect(result.status).not.toBe(0);
			expect(result.output).toContain(`package.json version ${pkg.version}`);
		});
	});
});
