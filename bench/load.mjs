// The load generator of the real-n8n benchmark: GET requests at a fixed concurrency over one
// undici pool, timed one by one.
import { Pool } from 'undici';

/**
 * Sends every path with `concurrency` requests in flight; returns throughput and latency percentiles.
 * @param {boolean} expectOk an answer counts as OK only with the body 'OK' (else any HTTP 200)
 * @param {() => void} [guard] called before each request; throws to stop the load
 * @param {() => Promise<void>} [throttle] awaited before each request (back-pressure)
 * @param {() => void} [onOk] called for each OK answer
 */
export async function load(
	baseUrl,
	paths,
	concurrency,
	expectOk,
	guard = () => {},
	throttle = async () => {},
	onOk = () => {},
) {
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
				const res = await pool.request({
					path,
					method: 'GET',
					headersTimeout: 60_000,
					bodyTimeout: 60_000,
				});
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
	const pct = (p) => percentileOf(latencies, p);
	return {
		sent: paths.length,
		answered,
		answeredOk,
		failures,
		startedAt: started,
		seconds,
		rps: answered / seconds,
		p50: pct(50),
		p95: pct(95),
		p99: pct(99),
		latencies,
	};
}

/** Percentile p of sorted values (the nearest rank below). */
export function percentileOf(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
