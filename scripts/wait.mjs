// Waiting for something to happen: the one polling loop that the start script, the n8n harness
// and the suites share.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it returns something truthy, and resolves with that. A probe that throws
 * counts as "not yet" (a server still starting refuses connections); the last error is in the
 * timeout's message.
 * @template T
 * @param {string} what what is awaited, for the message ("PostgreSQL", "the execution")
 * @param {() => Promise<T> | T} probe
 * @param {object} [options]
 * @param {number} [options.timeoutMs=30000]
 * @param {number} [options.intervalMs=250]
 * @param {() => string | undefined} [options.failIf] a reason to stop waiting at once (the awaited process exited)
 * @param {(message: string) => Error} [options.error] builds the error thrown (to add a log tail)
 * @param {boolean} [options.rethrow=false] a probe that throws ends the wait with its error instead
 *   (for a probe whose errors mean "never", e.g. a lock folder that cannot be created)
 * @returns {Promise<T>}
 */
export async function waitUntil(
	what,
	probe,
	{
		timeoutMs = 30_000,
		intervalMs = 250,
		failIf,
		error = (message) => new Error(message),
		rethrow = false,
	} = {},
) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	for (;;) {
		const reason = failIf?.();
		if (reason) throw error(`${reason} while waiting for ${what}`);
		try {
			const value = await probe();
			if (value) return value;
		} catch (probeError) {
			if (rethrow) throw probeError;
			lastError = probeError;
		}
		if (Date.now() > deadline) {
			const cause = lastError
				? ` (last error: ${String(lastError.message ?? lastError).split('\n')[0]})`
				: '';
			throw error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${cause}`);
		}
		await sleep(intervalMs);
	}
}

/** `promise`, or 'timeout' after `ms`; the timer is cleared so it does not hold the event loop. */
export async function withTimeout(promise, ms) {
	let timer;
	try {
		return await Promise.race([
			promise,
			new Promise((resolve) => (timer = setTimeout(resolve, ms, 'timeout'))),
		]);
	} finally {
		clearTimeout(timer);
	}
}
