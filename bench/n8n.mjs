// Real-n8n benchmark: N signed postbacks at fixed concurrency against three
// triggers in ONE n8n and one run, so the figures are comparable ratios:
//   - the Verotel FlexPay Trigger (verify, parse, dedupe, emit),
//   - a minimal trigger that only emits the query (the floor for any community
//     trigger that leaves its answer to n8n),
//   - n8n's built-in Webhook node with responseMode onReceived (which n8n lets
//     skip one expression isolate per request, so it sits above every community
//     trigger under the default engine).
// None of them writes its answer: n8n 2.x defers an onReceived answer (the
// FlexPay and floor triggers' responseData 'OK', the Webhook node's default
// body) until it has stored the execution and saved any static-data change,
// then sends it before the workflow runs (`shouldDeferOnReceivedResponse` in
// n8n's webhooks/webhook-helpers.js, static data in live-webhooks.js).
// Also: loss (answered OK vs executions), n8n's RSS before and after, and the
// time to OK (p50/p95/p99) when the downstream workflow takes 5 s.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n } from '../scripts/n8n/install.mjs';
import { startN8n } from '../scripts/n8n/instance.mjs';
import { load, percentileOf } from './load.mjs';
import { fillRecord } from './record.mjs';
import { DRAIN_POLL, backlogThrottle, settledCount } from './n8n-executions.mjs';
import {
	IDS,
	TARGETS,
	WEBHOOK_PATHS,
	benchCredentials,
	flexpayTriggerNodeId,
	pathsFor,
	signedPostbackPath,
	workflows,
} from './n8n-targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Postbacks sent, one at a time, to the workflow whose downstream waits 5 s. */
const SLOW_SAMPLES = 100;

function rssMiB(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
	} catch {
		return NaN;
	}
}

/** The n8n expression-engine settings the bench compares. */
export const ENGINES = {
	default: { label: 'default', env: {} },
	lazy: { label: 'default + LAZY_ACQUIRE', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
	legacy: { label: 'legacy', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
};

/**
 * One n8n, one engine setting: every target at every concurrency.
 * @returns {Promise<object>} figures per target and concurrency, loss, memory, slow-downstream timing
 */
export async function runN8nBench({
	line = '2',
	engine = 'default',
	// The FlexPay Trigger's Options collection, e.g. { ignoreRepeats: false } (default: none set).
	flexpayOptions,
	n = 2000,
	concurrencies = [1, 10],
	// Rounds in which the targets take turns (see loadAll).
	rounds = 3,
	warmup = 50,
	maxBacklog = 100,
	// Default: two thirds of the machine's memory, so a runaway n8n never pushes it into swap.
	maxRssMiB = Number(
		process.env.BENCH_MAX_RSS_MIB || Math.round((os.totalmem() / 2 ** 20) * (2 / 3)),
	),
	log = console.log,
} = {}) {
	const install = await ensureN8n(line, { log });
	const n8n = await startN8n({
		install,
		packageDir: root,
		extraPackages: [{ packageDir: join(root, 'bench', 'floor-package') }],
		credentials: benchCredentials(),
		workflows: workflows(flexpayOptions),
		waitForWebhooks: WEBHOOK_PATHS,
		env: ENGINES[engine].env,
		logLevel: 'warn',
		log,
	});
	// Measured at the steady state of a merchant's n8n: the trigger's record already full.
	await fillRecord({
		install,
		n8n,
		workflowId: IDS.flexpay.workflow,
		nodeId: flexpayTriggerNodeId(IDS.flexpay.webhook),
	});
	const result = {
		n8n: n8n.version,
		node: n8n.nodeVersion,
		engine: ENGINES[engine].label,
		rows: [],
		loss: [],
		memory: {},
	};
	try {
		const expected = Object.fromEntries(TARGETS.map(([name]) => [name, 0]));
		for (const [target, , ok] of TARGETS) {
			const w = await load(n8n.baseUrl, pathsFor(target, warmup), 2, ok);
			expected[target] += w.answeredOk;
		}
		result.memory.beforeMiB = rssMiB(n8n.pid);
		// n8n's memory is watched during the load: on this 24 GiB machine an n8n
		// 2.41.1 once grew past 20 GiB when executions piled up behind immediate
		// answers, so a run stops itself (and says so) instead of swapping.
		const guard = () => {
			const rss = rssMiB(n8n.pid);
			if (rss > maxRssMiB)
				throw new Error(`n8n RSS ${rss.toFixed(0)} MiB exceeds BENCH_MAX_RSS_MIB=${maxRssMiB}`);
		};
		try {
			await loadAll();
		} catch (error) {
			result.aborted = error.message;
			log(`load stopped: ${error.message}`);
		}
		async function loadAll() {
			for (const concurrency of concurrencies) {
				// Warm up at this concurrency first (n8n grows its pools on the first burst),
				// so the first target measured does not pay for it.
				for (const [target, workflowId, ok] of TARGETS) {
					const w = await load(n8n.baseUrl, pathsFor(target, warmup), concurrency, ok, guard);
					expected[target] += w.answeredOk;
					await settledCount(n8n, workflowId, expected[target], undefined, DRAIN_POLL);
				}
				// The targets take turns in `rounds` rounds, the order reversed every round, so that
				// no target always runs first (or last) while n8n's database grows and the
				// machine drifts; each target's figures sum its rounds.
				const sums = new Map(TARGETS.map(([target]) => [target, undefined]));
				for (let round = 0; round < rounds; round++) {
					const order = round % 2 === 0 ? TARGETS : [...TARGETS].reverse();
					const size = Math.floor(n / rounds) + (round < n % rounds ? 1 : 0);
					for (const [target, workflowId, ok] of order) {
						log(
							`load: ${target}, ${size} requests at concurrency ${concurrency} (round ${round + 1} of ${rounds})`,
						);
						const rssBefore = rssMiB(n8n.pid);
						const base = expected[target];
						let answeredInPhase = 0;
						const throttle = backlogThrottle(
							n8n,
							workflowId,
							() => base + answeredInPhase,
							maxBacklog,
						);
						const r = await load(
							n8n.baseUrl,
							pathsFor(target, size),
							concurrency,
							ok,
							guard,
							throttle,
							() => answeredInPhase++,
						);
						expected[target] += r.answeredOk;
						const rssAfter = rssMiB(n8n.pid);
						// Answering is not finishing: n8n answers once the execution is stored,
						// before the workflow runs, so the phase ends when the last run is saved.
						// Draining before the next phase keeps one phase's backlog (and its
						// memory) from slowing the next target down.
						await settledCount(n8n, workflowId, expected[target], undefined, DRAIN_POLL);
						const drainSeconds = (performance.now() - r.startedAt) / 1000 - r.seconds;
						const sum = sums.get(target) ?? {
							sent: 0,
							answered: 0,
							answeredOk: 0,
							failures: 0,
							seconds: 0,
							drainSeconds: 0,
							latencies: [],
							rssBefore,
						};
						sums.set(target, {
							...sum,
							sent: sum.sent + r.sent,
							answered: sum.answered + r.answered,
							answeredOk: sum.answeredOk + r.answeredOk,
							failures: sum.failures + r.failures,
							seconds: sum.seconds + r.seconds,
							drainSeconds: sum.drainSeconds + drainSeconds,
							latencies: sum.latencies.concat(r.latencies),
							rssAfter,
							rssDrained: rssMiB(n8n.pid),
						});
					}
				}
				for (const [target] of TARGETS) {
					const { latencies, ...sum } = sums.get(target);
					latencies.sort((a, b) => a - b);
					const row = {
						target,
						concurrency,
						...sum,
						rps: sum.answered / sum.seconds,
						executedPerSec: sum.answeredOk / (sum.seconds + sum.drainSeconds),
						p50: percentileOf(latencies, 50),
						p95: percentileOf(latencies, 95),
						p99: percentileOf(latencies, 99),
					};
					result.rows.push(row);
					log(
						`  ${target}: ${row.rps.toFixed(1)} answers/s, ${row.executedPerSec.toFixed(1)} executions/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.answeredOk}/${row.sent} OK`,
					);
				}
			}
		}
		for (const [target, workflowId] of TARGETS) {
			const { success, other } = await settledCount(n8n, workflowId, expected[target], log);
			let firstFailure;
			if (other > 0) {
				// Say why n8n failed runs, so the table is not just a count.
				const failed = (await n8n.executions({ workflowId })).find((e) => e.status !== 'success');
				firstFailure =
					failed && `${failed.status}: ${failed.error?.message ?? 'no error recorded'}`;
			}
			result.loss.push({
				target,
				answeredOk: expected[target],
				executed: success,
				failedExecutions: other,
				lost: expected[target] - success,
				firstFailure,
			});
		}
		result.memory.afterMiB = rssMiB(n8n.pid);
		// Time to OK while the workflow behind it waits 5 s: one postback at a time.
		const slow = await load(
			n8n.baseUrl,
			Array.from({ length: SLOW_SAMPLES }, () => signedPostbackPath(IDS.slow.webhook)),
			1,
			true,
		);
		result.slowDownstream = {
			samples: slow.answeredOk,
			sent: slow.sent,
			p50: slow.p50,
			p95: slow.p95,
			p99: slow.p99,
		};
	} finally {
		await n8n.stop();
	}
	return result;
}
