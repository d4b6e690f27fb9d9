// Process bookkeeping for everything the scripts and suites start (n8n, PostgreSQL, Redis):
// never leave one behind, whether the run ends normally, throws, or is stopped by a signal.

export function killGroup(pid, signal) {
	try {
		// A negative pid addresses the whole process group (e.g. n8n and its task runners).
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/** What is running: { stop(): Promise<void>, killNow(): void }, stopped in reverse start order. */
const running = new Set();
let handlersInstalled = false;

function installHandlers() {
	if (handlersInstalled) return;
	handlersInstalled = true;
	// 'exit' handlers must be synchronous: SIGKILL what is left.
	process.on('exit', () => {
		for (const entry of [...running].reverse()) entry.killNow();
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const handler = async () => {
			// Started last, stopped first: n8n before the database it writes to.
			for (const entry of [...running].reverse())
				await Promise.resolve(entry.stop()).catch(() => undefined);
			// Re-raise so the process ends the way it would have without us.
			process.removeListener(signal, handler);
			process.kill(process.pid, signal);
		};
		process.on(signal, handler);
	}
}

/** Stops `entry` when this process exits or is stopped by a signal; returns the function that forgets it. */
export function stopOnExit(entry) {
	installHandlers();
	running.add(entry);
	return () => running.delete(entry);
}
