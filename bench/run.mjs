#!/usr/bin/env node
// `npm run bench`: the protocol core on one core, then a real n8n under load,
// under n8n's default expression engine, with lazy isolate acquisition and with
// the legacy engine.
// Prints the tables and writes bench/results.md. Settings (environment):
//   BENCH_N=2000          requests per target and concurrency
//   BENCH_N8N=2           n8n line or version (see scripts/n8n/versions.mjs)
//   BENCH_SKIP_N8N=1      only the protocol-core figures
//   BENCH_ENGINES=default,lazy,legacy  which n8n expression-engine settings to run
//   BENCH_FLEXPAY_OPTIONS='{"ignoreRepeats":false}'  the FlexPay Trigger's Options
//   BENCH_ROUNDS=3        rounds in which the triggers take turns (order reversed each round)
//   BENCH_MAX_BACKLOG=100 answered postbacks allowed to wait for their execution
//   BENCH_MAX_RSS_MIB     stop a run whose n8n grows past it (default: 2/3 of RAM)
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLibTable, runLibBench } from './lib.mjs';
import { ENGINES, runN8nBench } from './n8n.mjs';
import { fullRecordValue } from './record.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const n = Number(process.env.BENCH_N || 2000);
const WARMUP = 50;
const MAX_BACKLOG = Number(process.env.BENCH_MAX_BACKLOG || 100);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS || 3));
const FLEXPAY_OPTIONS = process.env.BENCH_FLEXPAY_OPTIONS
	? JSON.parse(process.env.BENCH_FLEXPAY_OPTIONS)
	: undefined;

function machine() {
	const cpus = os.cpus();
	return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, bench runner Node ${process.version}, load average before the run ${os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ')}`;
}

/** The trigger's record once full: the row n8n's deduplication store keeps (MD5 hashes in base64). */
function recordRow() {
	const { postbacks, value } = fullRecordValue();
	return { postbacks, entries: value.data.length, bytes: Buffer.byteLength(JSON.stringify(value)) };
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

function n8nTables(runs) {
	const lines = [
		'| engine | concurrency | trigger | answered req/s | executed runs/s | time to answer p50 ms | p95 ms | p99 ms | vs minimal trigger (answered / executed) | vs built-in Webhook (answered / executed) | n8n RSS: phase start → end → drained (MiB) |',
		'|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|',
	];
	const names = {
		flexpay: 'Verotel FlexPay Trigger',
		floor: 'minimal trigger (n8n sends its OK)',
		builtin: 'n8n Webhook node',
	};
	for (const run of runs) {
		for (const c of [...new Set(run.rows.map((r) => r.concurrency))]) {
			const at = Object.fromEntries(
				run.rows.filter((r) => r.concurrency === c).map((r) => [r.target, r]),
			);
			for (const target of ['flexpay', 'floor', 'builtin']) {
				const r = at[target];
				if (!r) continue;
				const ratios = (base) =>
					`${fmt(r.rps / base.rps, 2)} / ${fmt(r.executedPerSec / base.executedPerSec, 2)}`;
				const vsFloor = target === 'flexpay' && at.floor ? ratios(at.floor) : '';
				const vsBuiltin = target !== 'builtin' && at.builtin ? ratios(at.builtin) : '';
				lines.push(
					`| ${run.engine} | ${c} | ${names[target]} | ${fmt(r.rps)} | ${fmt(r.executedPerSec)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${vsFloor} | ${vsBuiltin} | ${fmt(r.rssBefore, 0)} → ${fmt(r.rssAfter, 0)} → ${fmt(r.rssDrained, 0)} |`,
				);
			}
		}
	}
	for (const run of runs) {
		for (const l of run.loss)
			if (l.firstFailure)
				lines.push(
					'',
					`${run.engine}, ${names[l.target]}: ${l.failedExecutions} runs did not succeed, e.g. "${l.firstFailure}".`,
				);
	}
	for (const run of runs)
		if (run.aborted) lines.push('', `**${run.engine}: load stopped early: ${run.aborted}.**`);
	lines.push(
		'',
		'| engine | trigger | answered OK | executed | lost | n8n RSS before → after the load (MiB) |',
		'|---|---|---:|---:|---:|---|',
	);
	for (const run of runs) {
		for (const l of run.loss) {
			const rss =
				l.target === 'flexpay'
					? `${fmt(run.memory.beforeMiB, 0)} → ${fmt(run.memory.afterMiB, 0)}`
					: '';
			lines.push(
				`| ${run.engine} | ${names[l.target]} | ${l.answeredOk} | ${l.executed} | ${l.lost} | ${rss} |`,
			);
		}
	}
	lines.push(
		'',
		'| engine | FlexPay Trigger: time to OK with a 5 s downstream, p50 / p95 / p99 ms | OK / sent |',
		'|---|---|---:|',
	);
	for (const run of runs) {
		const s = run.slowDownstream;
		if (s)
			lines.push(
				`| ${run.engine} | ${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} | ${s.samples} / ${s.sent} |`,
			);
	}
	return lines.join('\n');
}

const startedAt = new Date();
const header = `Machine: ${machine()}`;
console.log(header);
console.log('\n## Protocol core (one core)\n');
const libRows = runLibBench();
const libTable = formatLibTable(libRows);
console.log(libTable);
const store = recordRow();
const storeLine = `The trigger's record, full: ${store.postbacks.toLocaleString('en-US')} postbacks, ${store.entries.toLocaleString('en-US')} entries, ${store.bytes.toLocaleString('en-US')} bytes in one row of n8n's deduplication store.`;
console.log(`\n${storeLine}`);

let n8nSection = '';
if (!process.env.BENCH_SKIP_N8N) {
	const line = process.env.BENCH_N8N || '2';
	const runs = [];
	const engines = process.env.BENCH_ENGINES
		? process.env.BENCH_ENGINES.split(',')
		: Object.keys(ENGINES);
	for (const engine of engines) {
		console.log(
			`\n## Real n8n (${line}), ${ENGINES[engine].label} expression engine, ${n} requests per target and concurrency\n`,
		);
		runs.push(
			await runN8nBench({
				line,
				engine,
				n,
				warmup: WARMUP,
				maxBacklog: MAX_BACKLOG,
				rounds: ROUNDS,
				flexpayOptions: FLEXPAY_OPTIONS,
			}),
		);
	}
	n8nSection = `## Real n8n ${runs[0].n8n} on Node ${runs[0].node}, SQLite, ${n} requests per trigger and concurrency

No trigger here writes its answer: n8n sends it (\`OK\` from the FlexPay and minimal triggers'
responseData; the Webhook node's default body, responseMode onReceived) once it has stored the
execution and saved any change to the workflow's static data, before the workflow runs (n8n 2.x defers
onReceived answers). *Answered req/s* and the time to answer are what the load generator saw;
*executed runs/s* counts until the phase's last execution had finished, and each phase is drained
before the next starts. The triggers take turns in ${ROUNDS} rounds (an equal share each), the order
reversed every round, so that none always runs first; each row sums its rounds. Sending pauses while more than ${MAX_BACKLOG} answered postbacks have no finished
execution (n8n answers faster than it runs workflows; an unbounded backlog only measures memory).
Every concurrency begins with ${WARMUP} warm-up requests per trigger (not counted).${FLEXPAY_OPTIONS ? `\nFlexPay Trigger options: \`${JSON.stringify(FLEXPAY_OPTIONS)}\`.` : ''}

${n8nTables(runs)}
`;
	console.log(`\n${n8nSection}`);
}

const settings = [
	'BENCH_N',
	'BENCH_N8N',
	'BENCH_SKIP_N8N',
	'BENCH_ENGINES',
	'BENCH_FLEXPAY_OPTIONS',
	'BENCH_ROUNDS',
	'BENCH_MAX_BACKLOG',
	'BENCH_MAX_RSS_MIB',
]
	.filter((name) => process.env[name])
	.map((name) => `${name}=${process.env[name]}`);
const md = `# Benchmark results

Measured ${startedAt.toISOString()} with \`npm run bench\`${settings.length ? ` (${settings.join(', ')})` : ' (defaults)'}.

${header}

## Protocol core (one core)

Target: at least 100,000 postback verify + parse per second on one core. Each operation is shown next to one bare SHA-256 over the same bytes, measured in the same run.

${libTable}

${storeLine}

${n8nSection}`;
writeFileSync(join(here, 'results.md'), md);
console.log('wrote bench/results.md');
