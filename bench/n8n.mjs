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
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { ensureN8n } from '../scripts/n8n/install.mjs';
import { startN8n } from '../scripts/n8n/instance.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const PKG = 'n8n-nodes-verotel-flexpay';
const SHOP = '123456';
const KEY = ['bench', 'signature', 'key', 'not', 'secret'].join('-');
/** Postbacks sent, one at a time, to the workflow whose downstream waits 5 s. */
const SLOW_SAMPLES = 100;

const IDS = {
	flexpay: { workflow: 'bench0flexpay001', webhook: '6a1c1f3e-0b1e-4c55-9a11-000000000001' },
	floor: { workflow: 'bench0floor00001', webhook: '6a1c1f3e-0b1e-4c55-9a11-000000000002' },
	builtin: { workflow: 'bench0webhook001', path: 'bench-builtin' },
	slow: { workflow: 'bench0slow000001', webhook: '6a1c1f3e-0b1e-4c55-9a11-000000000004' },
};

function noOp(name, position) {
	return { id: `${name}-noop`, name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} };
}

function workflow(id, name, trigger, downstream = noOp(id, [250, 0])) {
	return {
		id,
		name,
		active: false,
		nodes: [trigger, downstream],
		connections: { [trigger.name]: { main: [[{ node: downstream.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function workflows(flexpayOptions) {
	const credentials = { verotelFlexPayApi: { id: 'benchCredential01', name: 'Bench shop' } };
	const flexpayTrigger = (webhookId) => ({
		id: `${webhookId}-t`, name: 'Verotel FlexPay Trigger', type: `${PKG}.verotelFlexPayTrigger`, typeVersion: 1,
		position: [0, 0], webhookId, parameters: flexpayOptions ? { options: flexpayOptions } : {}, credentials,
	});
	return [
		workflow(IDS.flexpay.workflow, 'Bench: FlexPay Trigger', flexpayTrigger(IDS.flexpay.webhook)),
		workflow(IDS.floor.workflow, 'Bench: floor trigger', {
			id: 'floor-t', name: 'Floor Trigger', type: 'n8n-nodes-flexpay-bench-floor.floorTrigger', typeVersion: 1,
			position: [0, 0], webhookId: IDS.floor.webhook, parameters: {},
		}),
		workflow(IDS.builtin.workflow, 'Bench: built-in Webhook', {
			id: 'builtin-t', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0],
			webhookId: '6a1c1f3e-0b1e-4c55-9a11-000000000003',
			parameters: { httpMethod: 'GET', path: IDS.builtin.path, responseMode: 'onReceived', options: {} },
		}),
		workflow(IDS.slow.workflow, 'Bench: FlexPay Trigger, 5 s downstream', flexpayTrigger(IDS.slow.webhook), {
			id: 'slow-wait', name: 'Wait', type: 'n8n-nodes-base.wait', typeVersion: 1.1, position: [250, 0],
			webhookId: '6a1c1f3e-0b1e-4c55-9a11-000000000005', parameters: { amount: 5, unit: 'seconds' },
		}),
	];
}

let saleCounter = 1_000_000;
function signedPostbackPath(webhookId) {
	const flexpay = require(join(root, 'index.js'));
	const saleID = String(++saleCounter);
	const params = {
		shopID: SHOP, saleID, transactionID: String(50_000_000 + saleCounter), referenceID: `order-${saleID}`,
		priceAmount: '9.99', priceCurrency: 'EUR', paymentMethod: 'CC', type: 'purchase', CCBrand: 'VISA', truncatedPAN: 'XXXXXXXXXXXX1111',
	};
	const query = flexpay.buildQueryString(Object.entries({ ...params, signature: flexpay.computeSignature(KEY, params) }));
	return `/webhook/${webhookId}/webhook?${query}`;
}

function pathsFor(target, n) {
	const paths = [];
	for (let i = 0; i < n; i++) {
		if (target === 'flexpay') paths.push(signedPostbackPath(IDS.flexpay.webhook));
		else if (target === 'floor') paths.push(`/webhook/${IDS.floor.webhook}/webhook?i=${i}`);
		else paths.push(`/webhook/${IDS.builtin.path}?i=${i}`);
	}
	return paths;
}

/** Sends every path with `concurrency` requests in flight; returns throughput and latency percentiles. */
async function load(baseUrl, paths, concurrency, expectOk, guard = () => {}, throttle = async () => {}, onOk = () => {}) {
	const pool = new Pool(baseUrl, { connections: concurrency, pipelining: 1 });
	const latencies = [];
	let next = 0;
	let answered = 0;
	let answeredOk = 0;
	let failures = 0;
	const started = performance.now();
	async function worker() {
		while (next < paths.length) {
			guard();
			await throttle();
			if (next >= paths.length) break;
			const path = paths[next++];
			const t = performance.now();
			try {
				const res = await pool.request({ path, method: 'GET', headersTimeout: 60_000, bodyTimeout: 60_000 });
				const body = await res.body.text();
				latencies.push(performance.now() - t);
				answered++;
				if (res.statusCode === 200 && (!expectOk || body === 'OK')) {
					answeredOk++;
					onOk();
				}
			} catch {
				failures++;
			}
		}
	}
	await Promise.all(Array.from({ length: concurrency }, worker));
	const seconds = (performance.now() - started) / 1000;
	await pool.close();
	latencies.sort((a, b) => a - b);
	const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
	return { sent: paths.length, answered, answeredOk, failures, startedAt: started, seconds, rps: answered / seconds, p50: pct(50), p95: pct(95), p99: pct(99) };
}

function rssMiB(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
	} catch {
		return NaN;
	}
}

async function settledCount(n8n, workflowId, expected, log, { pollMs = 1000, quietMs = 15_000 } = {}) {
	// The answer comes once an execution is stored; its finished status is saved
	// after the workflow ran. Wait until the count of finished runs stops moving.
	let last = -1;
	let stableSince = Date.now();
	const deadline = Date.now() + 300_000;
	for (;;) {
		const rows = await n8n.executionCounts();
		const success = rows.filter((r) => r.workflowId === workflowId && r.status === 'success').reduce((s, r) => s + r.count, 0);
		const other = rows.filter((r) => r.workflowId === workflowId && r.status !== 'success').reduce((s, r) => s + r.count, 0);
		if (success + other >= expected || (success === last && Date.now() - stableSince > quietMs) || Date.now() > deadline) {
			return { success, other };
		}
		if (success !== last) {
			last = success;
			stableSince = Date.now();
		}
		log?.(`  waiting for executions of ${workflowId}: ${success}/${expected}`);
		await new Promise((r) => setTimeout(r, pollMs));
	}
}

/**
 * Back-pressure: n8n answers every trigger here once the execution is stored,
 * before the workflow runs, so a load generator that only waits for answers can
 * run ahead of n8n's executions. The backlog of stored, unfinished executions
 * then grows without bound and each one holds memory. Sending pauses while more
 * than `maxBacklog` answered postbacks have no finished execution, so the
 * figures are sustainable rates.
 */
function backlogThrottle(n8n, workflowId, answeredSoFar, maxBacklog) {
	let finished = 0;
	let polling;
	async function poll() {
		const rows = await n8n.executionCounts();
		finished = rows.filter((r) => r.workflowId === workflowId && !['new', 'running', 'waiting'].includes(r.status)).reduce((s, r) => s + r.count, 0);
	}
	async function throttle() {
		while (answeredSoFar() - finished > maxBacklog) {
			polling ??= poll().finally(() => (polling = undefined));
			await polling;
			if (answeredSoFar() - finished > maxBacklog) await new Promise((r) => setTimeout(r, 250));
		}
	}
	return throttle;
}

/** Polling while a phase drains: often enough to time it, patient enough for a slow n8n. */
const DRAIN_POLL = { pollMs: 250, quietMs: 30_000 };

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
	warmup = 50,
	maxBacklog = 100,
	// Default: two thirds of the machine's memory, so a runaway n8n never pushes it into swap.
	maxRssMiB = Number(process.env.BENCH_MAX_RSS_MIB || Math.round((os.totalmem() / 2 ** 20) * (2 / 3))),
	log = console.log,
} = {}) {
	const install = await ensureN8n(line, { log });
	const n8n = await startN8n({
		install,
		packageDir: root,
		extraPackages: [{ packageDir: join(root, 'bench', 'floor-package') }],
		credentials: [{ id: 'benchCredential01', name: 'Bench shop', type: 'verotelFlexPayApi', data: { shopId: SHOP, signatureKey: KEY, brand: 'verotel', baseUrl: '' } }],
		workflows: workflows(flexpayOptions),
		waitForWebhooks: [`${IDS.flexpay.webhook}/webhook`, `${IDS.floor.webhook}/webhook`, IDS.builtin.path, `${IDS.slow.webhook}/webhook`],
		env: ENGINES[engine].env,
		logLevel: 'warn',
		log,
	});
	const targets = [
		['flexpay', IDS.flexpay.workflow, true],
		['floor', IDS.floor.workflow, true],
		['builtin', IDS.builtin.workflow, false],
	];
	const result = { n8n: n8n.version, node: n8n.nodeVersion, engine: ENGINES[engine].label, rows: [], loss: [], memory: {} };
	try {
		const expected = Object.fromEntries(targets.map(([name]) => [name, 0]));
		for (const [target, , ok] of targets) {
			const w = await load(n8n.baseUrl, pathsFor(target, warmup), 2, ok);
			expected[target] += w.answeredOk;
		}
		result.memory.beforeMiB = rssMiB(n8n.pid);
		// n8n's memory is watched during the load: on this 24 GiB machine an n8n
		// 2.41.1 once grew past 20 GiB when executions piled up behind immediate
		// answers, so a run stops itself (and says so) instead of swapping.
		const guard = () => {
			const rss = rssMiB(n8n.pid);
			if (rss > maxRssMiB) throw new Error(`n8n RSS ${rss.toFixed(0)} MiB exceeds BENCH_MAX_RSS_MIB=${maxRssMiB}`);
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
				for (const [target, workflowId, ok] of targets) {
					const w = await load(n8n.baseUrl, pathsFor(target, warmup), concurrency, ok, guard);
					expected[target] += w.answeredOk;
					await settledCount(n8n, workflowId, expected[target], undefined, DRAIN_POLL);
				}
				for (const [target, workflowId, ok] of targets) {
					const paths = pathsFor(target, n);
					log(`load: ${target}, ${n} requests at concurrency ${concurrency}`);
					const rssBefore = rssMiB(n8n.pid);
					const base = expected[target];
					let answeredInPhase = 0;
					const throttle = backlogThrottle(n8n, workflowId, () => base + answeredInPhase, maxBacklog);
					const r = await load(n8n.baseUrl, paths, concurrency, ok, guard, throttle, () => answeredInPhase++);
					expected[target] += r.answeredOk;
					const rssAfter = rssMiB(n8n.pid);
					// Answering is not finishing: n8n answers once the execution is stored,
					// before the workflow runs, so the phase ends when the last run is saved.
					// Draining before the next phase keeps one phase's backlog (and its
					// memory) from slowing the next target down.
					await settledCount(n8n, workflowId, expected[target], undefined, DRAIN_POLL);
					const drainSeconds = (performance.now() - r.startedAt) / 1000 - r.seconds;
					const executedPerSec = r.answeredOk / (r.seconds + drainSeconds);
					result.rows.push({ target, concurrency, ...r, rssBefore, rssAfter, rssDrained: rssMiB(n8n.pid), drainSeconds, executedPerSec });
					log(`  ${r.rps.toFixed(1)} answers/s, ${executedPerSec.toFixed(1)} executions/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.answeredOk}/${r.sent} OK, n8n RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB`);
				}
			}
		}
		for (const [target, workflowId] of targets) {
			const { success, other } = await settledCount(n8n, workflowId, expected[target], log);
			let firstFailure;
			if (other > 0) {
				// Say why n8n failed runs, so the table is not just a count.
				const failed = (await n8n.executions({ workflowId })).find((e) => e.status !== 'success');
				firstFailure = failed && `${failed.status}: ${failed.error?.message ?? 'no error recorded'}`;
			}
			result.loss.push({ target, answeredOk: expected[target], executed: success, failedExecutions: other, lost: expected[target] - success, firstFailure });
		}
		result.memory.afterMiB = rssMiB(n8n.pid);
		// Time to OK while the workflow behind it waits 5 s: one postback at a time.
		const slow = await load(n8n.baseUrl, Array.from({ length: SLOW_SAMPLES }, () => signedPostbackPath(IDS.slow.webhook)), 1, true);
		result.slowDownstream = { samples: slow.answeredOk, sent: slow.sent, p50: slow.p50, p95: slow.p95, p99: slow.p99 };
	} finally {
		await n8n.stop();
	}
	return result;
}
