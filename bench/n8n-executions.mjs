// Waiting for the executions of the real-n8n benchmark: back-pressure while a phase sends, and
// the drain that ends it. Both read n8n's execution counts (executionCounts() of startN8n).
import { waitUntil } from '../scripts/wait.mjs';

/** The statuses of an execution that has not finished yet. */
const UNFINISHED = ['new', 'running', 'waiting'];

/** How long settledCount waits at most before it returns the counts so far. */
const SETTLE_TIMEOUT_MS = 300_000;

/** Polling while a phase drains: often enough to time it, patient enough for a slow n8n. */
export const DRAIN_POLL = { pollMs: 250, quietMs: 30_000 };

/** The number of executions of `workflowId` whose status passes `test`. */
function countOf(rows, workflowId, test) {
	return rows
		.filter((r) => r.workflowId === workflowId && test(r.status))
		.reduce((s, r) => s + r.count, 0);
}

/**
 * The successful and other executions of `workflowId` once `expected` are stored, or once the
 * successful count has not moved for `quietMs`, or after five minutes.
 * @returns {Promise<{ success: number, other: number }>}
 */
export async function settledCount(
	n8n,
	workflowId,
	expected,
	log,
	{ pollMs = 1000, quietMs = 15_000 } = {},
) {
	// The answer comes once an execution is stored; its finished status is saved
	// after the workflow ran. Wait until the count of finished runs stops moving.
	let last = -1;
	let stableSince = Date.now();
	const deadline = Date.now() + SETTLE_TIMEOUT_MS;
	let counts;
	await waitUntil(
		`the executions of ${workflowId}`,
		async () => {
			const rows = await n8n.executionCounts();
			counts = {
				success: countOf(rows, workflowId, (s) => s === 'success'),
				other: countOf(rows, workflowId, (s) => s !== 'success'),
			};
			const { success, other } = counts;
			if (
				success + other >= expected ||
				(success === last && Date.now() - stableSince > quietMs) ||
				Date.now() > deadline
			) {
				return true;
			}
			if (success !== last) {
				last = success;
				stableSince = Date.now();
			}
			log?.(`  waiting for executions of ${workflowId}: ${success}/${expected}`);
			return false;
		},
		// The deadline above ends the wait with the counts so far; a failed read ends the run.
		{ timeoutMs: Infinity, intervalMs: pollMs, rethrow: true },
	);
	return counts;
}

/**
 * Back-pressure: n8n answers every trigger here once the execution is stored,
 * before the workflow runs, so a load generator that only waits for answers can
 * run ahead of n8n's executions. The backlog of stored, unfinished executions
 * then grows without bound and each one holds memory. Sending pauses while more
 * than `maxBacklog` answered postbacks have no finished execution, so the
 * figures are sustainable rates.
 */
export function backlogThrottle(n8n, workflowId, answeredSoFar, maxBacklog) {
	let finished = 0;
	let polling;
	async function poll() {
		const rows = await n8n.executionCounts();
		finished = countOf(rows, workflowId, (s) => !UNFINISHED.includes(s));
	}
	const withinBacklog = () => answeredSoFar() - finished <= maxBacklog;
	async function throttle() {
		await waitUntil(
			'the backlog of executions',
			async () => {
				if (withinBacklog()) return true;
				// One read at a time, shared by every worker that waits.
				polling ??= poll().finally(() => (polling = undefined));
				await polling;
				return withinBacklog();
			},
			{ timeoutMs: Infinity, intervalMs: 250, rethrow: true },
		);
	}
	return throttle;
}
