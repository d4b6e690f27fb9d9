/**
 * Shared test helper: the real n8n installs of the end-to-end cache
 * (scripts/n8n/install.mjs; n8n 2.41.1 on Node 24, 1.123.x on this Node) and
 * a copy of this package as n8n sees an installed community package, and a
 * tester script (test/helpers/n8n-cli-*.cjs) run against both, one describe
 * block per install.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

export interface N8nInstall {
	version: string;
	n8nDir: string;
	/** The node binary that n8n version runs on. */
	node: string;
}

/** The complete installs of the cache (scripts/n8n/install.mjs owns its layout) that have n8n's credential tester. */
export function cachedN8nInstalls(): N8nInstall[] {
	const listed = execFileSync(
		process.execPath,
		[path.join(REPO, 'scripts', 'n8n', 'install.mjs'), '--list'],
		{ encoding: 'utf8' },
	);
	return (JSON.parse(listed) as N8nInstall[]).filter((install) =>
		fs.existsSync(path.join(install.n8nDir, 'dist', 'services', 'credentials-tester.service.js')),
	);
}

/** This package as n8n sees an installed community package: dist + package.json in a node_modules folder. */
export function installedPackageCopy(): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-installed-'));
	const target = path.join(root, 'node_modules', 'n8n-nodes-verotel-flexpay');
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(path.join(REPO, 'dist'), path.join(target, 'dist'), { recursive: true });
	return target;
}

/** Removes a copy made by installedPackageCopy. */
export function removePackageCopy(target: string): void {
	fs.rmSync(path.dirname(path.dirname(target)), { recursive: true, force: true });
}

/**
 * Runs a helper script (test/helpers/n8n-cli-*.cjs) against an n8n install
 * and a fresh copy of this package, the way n8n loads a community package:
 * under the install's Node, `require('n8n-workflow')` resolving to n8n's own
 * copy. Returns the JSON the script printed after `@@RESULT@@`.
 */
export function runWithN8n<T>(script: string, install: N8nInstall): T {
	const packageCopy = installedPackageCopy();
	try {
		const output = execFileSync(install.node, [script, install.n8nDir, packageCopy], {
			encoding: 'utf8',
			timeout: 90000,
			env: {
				...process.env,
				NODE_PATH: path.join(install.n8nDir, '..'),
				NODE_ENV: 'production',
				...(install.version.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
			},
		});
		const line = output.split('\n').find((l) => l.startsWith('@@RESULT@@'));
		if (!line) throw new Error(`no result from the tester process:\n${output}`);
		return JSON.parse(line.slice('@@RESULT@@'.length)) as T;
	} finally {
		removePackageCopy(packageCopy);
	}
}

/**
 * One describe block per cached n8n install (`title` with %s = its version),
 * with the results of `script` run against it (runWithN8n) and a first test
 * that it ran; `tests` adds the rest, reading `results` inside its tests.
 * Without a cached install or a build (`builtFile`), one test that says why
 * it was skipped.
 */
export function describeWithN8n<T extends { crashed?: string }>(
	title: string,
	script: string,
	builtFile: string,
	tests: (install: N8nInstall, results: T) => void,
): void {
	const installs = cachedN8nInstalls();
	if (installs.length === 0 || !fs.existsSync(builtFile)) {
		it(`${path.basename(script)} with a real n8n (skipped: no cached n8n install or dist not built)`, () => {
			console.warn(
				'skipped: needs a cached n8n (node scripts/n8n/install.mjs) and a build (npm run build)',
			);
		});
		return;
	}
	describe.each(installs.map((install) => [install.version, install] as const))(
		title,
		(_version, install) => {
			const results = {} as T;
			beforeAll(() => {
				Object.assign(results, runWithN8n<T>(script, install));
			}, 120000);

			it('runs', () => {
				expect(results.crashed).toBeUndefined();
			});

			tests(install, results);
		},
	);
}
