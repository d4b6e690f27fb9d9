/**
 * scripts/test-suites.mjs, the runner behind `npm test`, `npm run test:e2e` and
 * `npm run test:queue`: the steps it runs (every e2e suite file, in the order of the former
 * `&&` chain) and how it runs them (stops at the first failure with its exit code, output
 * streamed, a duration table at the end in every case). Exercised on stand-in steps: the real
 * suites need real n8n.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { root } from './esm';

const runner = path.join(root, 'scripts', 'test-suites.mjs');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	scripts: Record<string, string>;
};
const listed = JSON.parse(
	execFileSync(process.execPath, [runner, '--list'], { encoding: 'utf8' }),
) as {
	steps: { name: string; command: string; file?: string }[];
	groups: Record<string, string[]>;
};

describe('the steps', () => {
	test('npm test, test:e2e and test:queue are the runner', () => {
		expect(pkg.scripts.test).toBe('node scripts/test-suites.mjs');
		expect(pkg.scripts['test:e2e']).toBe('node scripts/test-suites.mjs e2e');
		expect(pkg.scripts['test:queue']).toBe('node scripts/test-suites.mjs build queue');
	});

	test('npm test: build, n8n install, all of jest, then the e2e suites (the former chain, same order)', () => {
		expect(listed.groups.test).toEqual(['build', 'n8n:install', 'jest', ...listed.groups.e2e]);
		expect(listed.groups.e2e).toEqual([
			'postbacks',
			'action',
			'editor',
			'durable',
			'cancelled',
			'templates',
			'recovery',
		]);
		const command = (name: string) => listed.steps.find((s) => s.name === name)?.command;
		expect(command('build')).toBe('npm run build');
		expect(command('n8n:install')).toBe('npm run n8n:install');
		expect(command('jest')).toBe('jest');
	});

	test('the e2e group is every test/e2e/*.e2e.mjs file, so a new suite cannot be left out of npm test', () => {
		const files = fs
			.readdirSync(path.join(root, 'test', 'e2e'))
			.filter((f) => f.endsWith('.e2e.mjs'));
		const e2e = listed.groups.e2e.map((name) => listed.steps.find((s) => s.name === name)?.file);
		expect([...e2e].sort()).toEqual(files.map((f) => `test/e2e/${f}`).sort());
	});

	test('every suite step runs an existing file under node:test with the spec reporter', () => {
		for (const step of listed.steps.filter((s) => s.file)) {
			expect(fs.existsSync(path.join(root, step.file as string))).toBe(true);
			expect(step.command).toBe(`node --test-reporter=spec ${step.file}`);
		}
		expect(listed.steps.find((s) => s.name === 'queue')?.file).toBe('test/queue/queue.e2e.mjs');
	});

	test('an unknown step is refused with the list, before anything runs', () => {
		const result = spawnSync(process.execPath, [runner, 'build', 'nope'], { encoding: 'utf8' });
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('unknown step "nope"');
		expect(result.stdout).toBe('');
	});
});

describe('running stand-in steps', () => {
	let dir: string;
	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-test-suites-'));
	});
	afterAll(() => {
		fs.rmSync(dir, { recursive: true, force: true });
	});

	/** Runs runSteps() on steps that each run `node -e <code>`; returns its exit status and output. */
	function runStandIns(steps: [string, string][]): { status: number | null; stdout: string } {
		const script = path.join(dir, 'run.mjs');
		fs.writeFileSync(
			script,
			`import { runSteps } from ${JSON.stringify(pathToFileURL(runner).href)};
const steps = JSON.parse(process.env.STAND_INS).map(([name, code]) => ({ name, command: process.execPath, args: ['-e', code], shown: 'stand-in ' + name }));
process.exitCode = await runSteps(steps);`,
		);
		const result = spawnSync(process.execPath, [script], {
			encoding: 'utf8',
			env: { ...process.env, STAND_INS: JSON.stringify(steps) },
			timeout: 60_000,
		});
		return { status: result.status, stdout: result.stdout };
	}

	const table = (stdout: string) => stdout.slice(stdout.indexOf('test-suites: durations'));

	test('all pass: exit 0, each step output in order, then a table with each step and the total', () => {
		const { status, stdout } = runStandIns([
			['one', 'console.log("output of one")'],
			['two', 'setTimeout(() => console.log("output of two"), 200)'],
		]);
		expect(status).toBe(0);
		const at = (text: string) => stdout.indexOf(text);
		expect(at('test-suites: one (1/2): stand-in one')).toBeLessThan(at('output of one'));
		expect(at('output of one')).toBeLessThan(at('output of two'));
		expect(at('output of two')).toBeLessThan(at('test-suites: durations'));
		expect(table(stdout)).toMatch(/^ {2}one +passed +\d+\.\d s$/m);
		expect(table(stdout)).toMatch(
			/^ {2}two +passed +0\.[2-9] s$|^ {2}two +passed +[1-9]\d*\.\d s$/m,
		);
		expect(table(stdout)).toMatch(/^ {2}total +passed +\d+\.\d s$/m);
	});

	test('a failing step stops the run with its exit code; the table says so and lists what did not run', () => {
		const { status, stdout } = runStandIns([
			['one', ''],
			['two', 'console.log("output of two"); process.exit(3)'],
			['three', 'console.log("output of three")'],
		]);
		expect(status).toBe(3);
		expect(stdout).toContain('output of two');
		expect(stdout).not.toContain('output of three');
		expect(table(stdout)).toMatch(/^ {2}one +passed +\d/m);
		expect(table(stdout)).toMatch(/^ {2}two +FAILED \(exit 3\) +\d/m);
		expect(table(stdout)).toMatch(/^ {2}three +not run$/m);
		expect(table(stdout)).toMatch(/^ {2}total +FAILED +\d/m);
	});

	test('a step ended by a signal fails the run as a shell would report it (128 + signal)', () => {
		const { status, stdout } = runStandIns([
			['killed', 'process.kill(process.pid, "SIGTERM")'],
			['after', ''],
		]);
		expect(status).toBe(143);
		expect(table(stdout)).toMatch(/^ {2}killed +FAILED \(SIGTERM\)/m);
		expect(table(stdout)).toMatch(/^ {2}after +not run$/m);
	});

	test('minutes are shown as minutes', () => {
		// summary() formats; a 75 s step is not worth waiting for.
		const script = path.join(dir, 'summary.mjs');
		fs.writeFileSync(
			script,
			`import { summary } from ${JSON.stringify(pathToFileURL(runner).href)};
console.log(summary([{ result: 'passed', ms: 75_000 }], [{ name: 'slow' }]));`,
		);
		const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
		expect(out).toMatch(/^ {2}slow +passed +1 min 15 s$/m);
	});
});
