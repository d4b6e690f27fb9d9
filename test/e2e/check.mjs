// A node:test `it` that, when it fails, also prints the tail of n8n's log: the n8n instance and
// its temp folder are gone by the time the runner reports.
import { it } from 'node:test';

/**
 * @param {(line: string) => void} log
 * @param {() => { logTail(lines?: number): string } | undefined} currentN8n the n8n running now
 */
export function checkWithN8nLog(log, currentN8n) {
	return (name, fn) =>
		it(name, async () => {
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
