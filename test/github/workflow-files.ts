/**
 * The GitHub Actions workflows (.github/workflows) as the tests read them:
 * parsed from YAML, their steps found by command or action, and checked by
 * action-validator (GitHub's workflow schema, run offline from its
 * WebAssembly build in node_modules).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';

/** The repository, its workflows folder and its package.json. */
export const root = path.join(__dirname, '..', '..');
export const workflowsDir = path.join(root, '.github', 'workflows');
export const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	version: string;
	scripts: Record<string, string>;
};

export interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
	'continue-on-error'?: unknown;
	if?: unknown;
}
export interface Job {
	name?: string;
	needs?: unknown;
	strategy?: { 'fail-fast'?: unknown; matrix?: Record<string, unknown> };
	'runs-on'?: unknown;
	container?: unknown;
	permissions?: unknown;
	'timeout-minutes'?: unknown;
	'continue-on-error'?: unknown;
	if?: unknown;
	steps: Step[];
}
export interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	concurrency?: unknown;
	jobs: Record<string, Job>;
}

/** A workflow file, parsed. */
export function workflow(file: string): Workflow {
	const doc = load(fs.readFileSync(path.join(workflowsDir, file), 'utf8'));
	if (!doc || typeof doc !== 'object') throw new Error(`${file}: not a YAML mapping`);
	return doc as Workflow;
}

/** The workflow's job `id` (fails if there is none). */
export function jobNamed(wf: Workflow, id: string): Job {
	expect(Object.keys(wf.jobs)).toContain(id);
	return wf.jobs[id];
}

/** The index of the one step whose `run` is exactly `command` (fails if there is not exactly one). */
export function runStep(job: Job, command: string): number {
	const found = job.steps.flatMap((s, i) => (s.run?.trim() === command ? [i] : []));
	expect({ command, found: found.length }).toEqual({ command, found: 1 });
	return found[0];
}

/** The index of the one step that uses `action` (any version). */
export function usesStep(job: Job, action: string): number {
	const found = job.steps.flatMap((s, i) => (s.uses?.split('@')[0] === action ? [i] : []));
	expect({ action, found: found.length }).toEqual({ action, found: 1 });
	return found[0];
}

/** The bin of @action-validator/cli, run with this Node: no network, no native binary. */
const validatorBin = (() => {
	const manifest = require.resolve('@action-validator/cli/package.json');
	const { bin } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
	return path.join(path.dirname(manifest), bin['action-validator']);
})();

/** action-validator's verdict on a file: its exit status and output. */
export function validate(file: string): { status: number; stdout: string; stderr: string } {
	try {
		const stdout = execFileSync(process.execPath, [validatorBin, file], {
			encoding: 'utf8',
			stdio: 'pipe',
			timeout: 60_000,
		});
		return { status: 0, stdout, stderr: '' };
	} catch (error) {
		const e = error as { status: number | null; stdout?: string; stderr?: string };
		if (typeof e.status !== 'number') throw error;
		return { status: e.status, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
	}
}

/** The workflow files present, sorted. */
export const workflowFiles = fs
	.readdirSync(workflowsDir)
	.filter((f) => /\.ya?ml$/.test(f))
	.sort();
