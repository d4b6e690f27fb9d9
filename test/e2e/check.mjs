// A node:test `it` that, when it fails, also prints the tail of n8n's log: the n8n instance and
// its temp folder are gone by the time the runner reports.
import { after, it } from 'node:test';

/**
 * @param {(line: string) => void} log
 * @param {() => { logTail(lines?: number): string } | undefined} currentN8n the n8n running now
 */
export function checkWithN8nLog(log, currentN8n) {
	return (name, fn, options = {}) =>
		it(name, options, async () => {
			try {
				await fn();
			} catch (error) {
				log(`✖ ${name}: ${String(error.message).split('\n')[0]}`);
				const n8n = currentN8n();
				if (n8n) log(`last lines of n8n's log:\n${n8n.logTail(30)}`);
				throw error;
			}
		});
}

// ---------------------------------------------------------------------------------------------
// What every e2e suite does before its first test (one home for it).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { resolveMatrix } from '../../scripts/n8n/versions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export { sleep, waitUntil } from '../../scripts/wait.mjs';
export { FINAL_STATUSES, hasEnded } from '../../scripts/n8n/executions.mjs';
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The package is packed from dist/: build it if `npm test` has not just done so. */
export function ensureBuilt() {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter(
		(file) => !fs.existsSync(path.join(root, file)),
	);
	if (missing.length) {
		console.log(`[e2e] ${missing.join(', ')} missing: npm run build`);
		execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
	}
}

/**
 * The n8n matrix of this run (printed), with the package built, and the list each version's
 * suite pushes { version, ms } to: printed as "time per n8n" after all tests.
 */
export function prepareSuite() {
	/** Per n8n version: wall time of its suite (install, start, tests, stop). */
	const timings = [];
	after(() => {
		if (timings.length)
			console.log(
				`[e2e] time per n8n: ${timings.map(({ version, ms }) => `${version} ${seconds(ms)}`).join(', ')}`,
			);
	});
	const matrix = resolveMatrix();
	console.log(
		`[e2e] n8n matrix: ${matrix.map((s) => `${s.version} (line ${s.line}, Node ${s.node === 'system' ? process.version : s.node})`).join(', ')}`,
	);
	ensureBuilt();
	return { matrix, timings };
}

/** How long to wait before asserting that something did NOT happen (n8n saves asynchronously). */
export const SETTLE_MS = 1_500;

/**
 * A source of fresh numeric saleIDs from `base` on, so every test's sale is its own. The run's
 * start time picks the range, and the counter never wraps: a long run never repeats an id.
 */
export function saleIdSource(base) {
	const runBase = base + (Date.now() % 1_000_000) * 10_000;
	let counter = 0;
	return () => String(runBase + ++counter);
}

/** The p-th percentile (nearest rank) of `values`; NaN when there are none. */
export function percentile(values, p) {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The postback item an execution holds: the trigger's output once it ran, otherwise the item n8n
 * stored on the execution stack when it created the execution. A crashed execution keeps it
 * there: n8n's crash recovery replaces the trigger's output by `{ isArtificialRecoveredEventItem }`.
 * An execution whose trigger passed nothing on (a repeat) holds none.
 */
export function storedItem(execution, triggerNode) {
	const ran = execution.nodes?.[triggerNode]?.[0];
	if (ran?.saleID) return ran;
	const stack = execution.data?.executionData?.nodeExecutionStack ?? [];
	const entry = stack.find((e) => e?.node?.name === triggerNode);
	return entry?.data?.main?.[0]?.[0]?.json;
}
