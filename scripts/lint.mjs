#!/usr/bin/env node
// `npm run lint`, in legs:
// 1. ESLint over the repository (eslint.config.mjs: the starter's rules on the shipped sources);
//    any error or warning fails, and a disable comment is itself reported (noInlineConfig).
// 2. Prettier's check (.prettierrc.js, .prettierignore): `npm run format` fixes what it names.
// 3. The gate n8n's verification scanner applies, run locally. It imports the scanner itself
//    (@n8n/scan-community-package) rather than a copy of its config, so a scanner upgrade
//    changes our gate too. Two legs, as the scanner does: the source (package.json, nodes/,
//    credentials/ — plus lib/, which ships inside dist/) and the packed tarball's compiled .js.
//    The scanner lints with allowInlineConfig: false, so disable comments are inert.
//    Between the two, check-pack.mjs checks what the tarball holds (exactly dist/, index.js,
//    index.d.ts, README.md, LICENSE, package.json), so the release's check runs on every lint.
// Every leg runs even when an earlier one failed, so one run shows every problem.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';
import { ESLint } from 'eslint';

import { checkPack } from './check-pack.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function report(label, result) {
	if (result.passed) {
		console.log(`lint: ${label}: passed${result.message ? ` (${result.message})` : ''}`);
		return true;
	}
	console.error(`lint: ${label}: FAILED: ${result.message}`);
	if (result.details) console.error(result.details);
	return false;
}

/** ESLint with eslint.config.mjs over the repository; any error or warning fails. */
async function eslintLeg() {
	const eslint = new ESLint({ cwd: root });
	const results = await eslint.lintFiles(['.']);
	const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
	const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
	if (errors + warnings === 0) return { passed: true, message: `${results.length} files` };
	const formatter = await eslint.loadFormatter('stylish');
	return {
		passed: false,
		message: `${errors} errors, ${warnings} warnings (\`npx eslint --fix .\` fixes some)`,
		details: await formatter.format(results),
	};
}

const eslintOk = report('eslint (eslint.config.mjs)', await eslintLeg());

/** `prettier --check .`: every file prettier formats is formatted. */
function prettierLeg() {
	const bin = createRequire(import.meta.url).resolve('prettier/bin/prettier.cjs');
	const run = spawnSync(process.execPath, [bin, '--check', '--log-level', 'warn', '.'], {
		cwd: root,
		encoding: 'utf8',
	});
	if (run.status === 0) return { passed: true };
	const unformatted = `${run.stdout}${run.stderr}`.trim();
	const count = unformatted
		.split('\n')
		.filter((line) => /^\[warn\] (?!Code style issues)/.test(line)).length;
	return {
		passed: false,
		message: `not formatted: ${count} file(s) (\`npm run format\` formats them)`,
		details: unformatted,
	};
}

const prettierOk = report('prettier --check', prettierLeg());

const sourceOk = report(
	'source (package.json, nodes/, credentials/, lib/)',
	await analyzePackage(root, [...SOURCE_FILE_PATTERNS, 'lib/**/*.ts']),
);

// The tarball leg lints exactly what `npm pack` would publish, so build first.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const packOk = checkPack(root, {
	log: (line) => console.log(`lint: ${line}`),
	error: (line) => console.error(`lint: ${line}`),
});
const work = mkdtempSync(join(tmpdir(), 'flexpay-pack-'));
let tarballOk = false;
try {
	execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
	execFileSync('tar', ['xzf', join(work, tarball), '-C', work]);
	tarballOk = report(
		`tarball ${tarball}`,
		await analyzePackage(join(work, 'package'), ['**/*.js', 'package.json']),
	);
} finally {
	rmSync(work, { recursive: true, force: true });
}

process.exit(eslintOk && prettierOk && sourceOk && packOk && tarballOk ? 0 : 1);
