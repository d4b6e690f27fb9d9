#!/usr/bin/env node
// The runner behind `npm test`, `npm run test:e2e` and `npm run test:queue`: runs the steps in
// order, each with its output streaming live, stops at the first failure with that step's exit
// code, and ends with a table of step, result and duration, also when a step failed or the run
// was interrupted, so a slow or red run says at once where its time went.
//
//   node scripts/test-suites.mjs                 build, n8n:install, jest, then the e2e suites (npm test)
//   node scripts/test-suites.mjs e2e             the e2e suites only (npm run test:e2e)
//   node scripts/test-suites.mjs build real-n8n postbacks action   any steps, in the order given
//   node scripts/test-suites.mjs --list          the steps and groups, as JSON (the tests read it)
//
// A group name (`e2e`, `test`) stands for its steps. Steps run through this Node (jest and the
// node:test suites) or through npm (the package's own scripts), so the runner works the same
// with or without npm around it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
// jest's bin as its package.json names it (the package's exports hide bin/ from require.resolve).
const jestBin = (() => {
	const manifest = createRequire(import.meta.url).resolve('jest/package.json');
	const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
	return path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin.jest);
})();

// `shown` is the command as a person would type it, for the log and `--list`.
const npmStep = (name) => ({ name, command: 'npm', args: ['run', name], shown: `npm run ${name}` });
const jestStep = (name, args) => ({
	name,
	command: process.execPath,
	args: [jestBin, ...args],
	shown: ['jest', ...args].join(' '),
});
const suiteStep = (name, file) => ({
	name,
	command: process.execPath,
	args: ['--test-reporter=spec', file],
	shown: `node --test-reporter=spec ${file}`,
	file,
});

/** Every step the runner knows, in the order `npm test` runs them. */
export const STEPS = [
	npmStep('build'),
	npmStep('n8n:install'),
	jestStep('jest', []),
	// Only the jest files that run inside installed n8n (the rest is `npm run test:unit`): for a
	// CI job that runs beside the fast job instead of after all of jest.
	jestStep('real-n8n', ['real-n8n']),
	suiteStep('postbacks', 'test/e2e/postbacks.e2e.mjs'),
	suiteStep('action', 'test/e2e/action.e2e.mjs'),
	suiteStep('editor', 'test/e2e/editor.e2e.mjs'),
	suiteStep('durable', 'test/e2e/durable.e2e.mjs'),
	suiteStep('cancelled', 'test/e2e/cancelled.e2e.mjs'),
	suiteStep('templates', 'test/e2e/templates.e2e.mjs'),
	suiteStep('recovery', 'test/e2e/recovery.e2e.mjs'),
	suiteStep('queue', 'test/queue/queue.e2e.mjs'),
];

export const GROUPS = {
	e2e: ['postbacks', 'action', 'editor', 'durable', 'cancelled', 'templates', 'recovery'],
	test: [
		'build',
		'n8n:install',
		'jest',
		'postbacks',
		'action',
		'editor',
		'durable',
		'cancelled',
		'templates',
		'recovery',
	],
};

/** The steps `names` (step or group names) stand for, in the order given; throws on an unknown name. */
export function selectSteps(names) {
	const expanded = (names.length ? names : ['test']).flatMap((name) => GROUPS[name] ?? [name]);
	return expanded.map((name) => {
		const step = STEPS.find((s) => s.name === name);
		if (!step) {
			throw new Error(
				`unknown step "${name}"; steps: ${STEPS.map((s) => s.name).join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`,
			);
		}
		return step;
	});
}

function seconds(ms) {
	const s = ms / 1000;
	if (s < 60) return `${s.toFixed(1)} s`;
	return `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}

/** The closing table: one row per step (run or not), then the total. */
export function summary(results, steps) {
	const rows = steps.map((step, i) => {
		const r = results[i];
		if (!r) return [step.name, 'not run', ''];
		return [step.name, r.result, seconds(r.ms)];
	});
	const total = results.reduce((sum, r) => sum + r.ms, 0);
	rows.push([
		'total',
		results.every((r) => r.result === 'passed') && results.length === steps.length
			? 'passed'
			: 'FAILED',
		seconds(total),
	]);
	const width = [0, 1].map((c) => Math.max(...rows.map((row) => row[c].length), c ? 6 : 4));
	const line = (row) =>
		`  ${row[0].padEnd(width[0])}  ${row[1].padEnd(width[1])}  ${row[2]}`.trimEnd();
	return ['test-suites: durations', line(['step', 'result', 'time']), ...rows.map(line)].join('\n');
}

// Exit codes as a shell reports a process ended by a signal: 128 + its number.
const osSignals = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function run(step, onChild) {
	return new Promise((resolve) => {
		const child = spawn(step.command, step.args, { cwd: root, stdio: 'inherit' });
		onChild(child);
		child.on('error', (error) => resolve({ code: 127, result: `FAILED (${error.message})` }));
		child.on('exit', (code, signal) => {
			if (signal) resolve({ code: 128 + (osSignals[signal] ?? 1), result: `FAILED (${signal})` });
			else resolve({ code, result: code === 0 ? 'passed' : `FAILED (exit ${code})` });
		});
	});
}

async function main(argv) {
	if (argv[0] === '--list') {
		const steps = STEPS.map(({ name, shown, file }) => ({
			name,
			command: shown,
			...(file ? { file } : {}),
		}));
		console.log(JSON.stringify({ steps, groups: GROUPS }, null, 2));
		return 0;
	}
	let steps;
	try {
		steps = selectSteps(argv);
	} catch (error) {
		console.error(`test-suites: ${error.message}`);
		return 2;
	}
	return runSteps(steps);
}

/**
 * Runs `steps` ({ name, command, args, shown }) in order until one fails; prints the table.
 * @returns {Promise<number>} the exit code: 0, the failed step's, or 128 + the signal's number
 */
export async function runSteps(steps) {
	let child;
	let interrupted;
	// Ctrl-C reaches every process of the terminal's foreground group, the running step included:
	// let it stop on its own (the suites stop their n8n first) and run nothing after it. SIGTERM
	// and SIGHUP sent to this runner alone are passed on to the step.
	process.on('SIGINT', () => {
		interrupted = 'SIGINT';
	});
	for (const signal of ['SIGTERM', 'SIGHUP']) {
		process.on(signal, () => {
			interrupted = signal;
			child?.kill(signal);
		});
	}
	const results = [];
	let code = 0;
	for (const step of steps) {
		console.log(
			`\ntest-suites: ${step.name} (${results.length + 1}/${steps.length}): ${step.shown}`,
		);
		const started = Date.now();
		const outcome = await run(step, (c) => (child = c));
		child = undefined;
		results.push({ result: outcome.result, ms: Date.now() - started });
		if (outcome.code !== 0) {
			code = outcome.code;
			break;
		}
		if (interrupted) {
			code = 128 + osSignals[interrupted];
			break;
		}
	}
	console.log(`\n${summary(results, steps)}`);
	if (interrupted) console.log(`test-suites: stopped by ${interrupted}`);
	return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	process.exitCode = await main(process.argv.slice(2));
}
