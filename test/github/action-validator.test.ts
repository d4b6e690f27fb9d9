/**
 * action-validator on the GitHub Actions workflows: each passes GitHub's
 * workflow schema, and the validator demonstrably rejects a broken workflow.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { load } from 'js-yaml';

import { validate, workflowFiles, workflowsDir } from './workflow-files';

describe('action-validator', () => {
	test('the workflows this test knows about are the ones present', () => {
		expect(workflowFiles).toEqual(['ci.yml', 'release.yml']);
	});

	test.each(workflowFiles)('%s passes the GitHub workflow schema', (file) => {
		const result = validate(path.join(workflowsDir, file));
		expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
	});

	describe('rejects broken copies of ci.yml, so passing means something', () => {
		const original = fs.readFileSync(path.join(workflowsDir, 'ci.yml'), 'utf8');
		let dir: string;
		beforeAll(() => {
			dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-workflows-'));
		});
		afterAll(() => {
			fs.rmSync(dir, { recursive: true, force: true });
		});

		function brokenCopy(name: string, edit: (text: string) => string): string {
			const text = edit(original);
			expect(text).not.toBe(original);
			const file = path.join(dir, name);
			fs.writeFileSync(file, text);
			return file;
		}

		function expectRejected(file: string, pathInError: string): void {
			const result = validate(file);
			expect(result.status).toBe(1);
			const report = JSON.parse(result.stderr) as { actionType: string; errors: unknown[] };
			expect(report.actionType).toBe('workflow');
			expect(report.errors.length).toBeGreaterThan(0);
			expect(JSON.stringify(report.errors)).toContain(pathInError);
		}

		test('a job without runs-on', () => {
			const file = brokenCopy('no-runs-on.yml', (t) => t.replace(/^ +runs-on:.*\n/m, ''));
			expect(load(fs.readFileSync(file, 'utf8'))).toBeTruthy(); // still YAML, just not a workflow
			expectRejected(file, '/jobs/checks/runs-on');
		});

		test('a job with an unknown key', () => {
			const file = brokenCopy('unknown-key.yml', (t) =>
				t.replace(/^( +)timeout-minutes: (\d+)$/m, '$1timeout-minutes: $2\n$1timeout-minute: $2'),
			);
			expectRejected(file, "Additional property 'timeout-minute' is not allowed");
		});

		test('a job that needs a job that does not exist', () => {
			const file = brokenCopy('unresolved-needs.yml', (t) =>
				t.replace(/^( +)needs: checks$/m, '$1needs: check'),
			);
			expectRejected(file, 'unresolved job check');
		});

		test('the same copy unbroken passes (the rejection is about the edit)', () => {
			const file = path.join(dir, 'ci.yml');
			fs.writeFileSync(file, original);
			expect(validate(file).status).toBe(0);
		});
	});
});
