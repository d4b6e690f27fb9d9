/**
 * Calls an exported function of one of the repository's ES-module scripts (scripts/*.mjs) in a
 * child Node, because jest here runs CommonJS through ts-jest and cannot import .mjs itself.
 * Arguments and result travel as JSON.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = path.join(__dirname, '..', '..');

export function callEsm<T>(script: string, fn: string, ...args: unknown[]): T {
	const url = pathToFileURL(path.join(root, script)).href;
	const code = `const m = await import(${JSON.stringify(url)});
const args = JSON.parse(process.env.ESM_ARGS);
process.stdout.write(JSON.stringify(await m[${JSON.stringify(fn)}](...args)) ?? 'null');`;
	const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
		cwd: root,
		encoding: 'utf8',
		env: { ...process.env, ESM_ARGS: JSON.stringify(args) },
		// stderr is kept on the error (a thrown function's message), not printed into jest's report.
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 60_000,
	});
	return JSON.parse(out) as T;
}
