#!/usr/bin/env node
// What `npm publish` would upload, checked before it does: the tarball must hold exactly dist/,
// index.js, index.d.ts, README.md, LICENSE and package.json, and every file package.json points
// at (main, types, the n8n nodes and credentials) must be in it. A stray file (a test, a .env, a
// workflow with keys) would be published for good; a missing one breaks every install.
// `npm run lint` runs this after its build, so it is checked on every CI run, not only at release;
// the release workflow runs it once more right before publishing.
//
//   node scripts/check-pack.mjs     (after `npm run build`) exits 1 and names each problem
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The top-level entries the tarball holds, no more and no fewer ('dist/' = the folder). */
export const EXPECTED = Object.freeze([
	'dist/',
	'index.js',
	'index.d.ts',
	'README.md',
	'LICENSE',
	'package.json',
]);

/**
 * What is wrong with a tarball holding `files` for this `pkg` (pure, for the tests).
 * @param {string[]} files paths as `npm pack --json` lists them
 * @param {{ main?: string, types?: string, n8n?: { nodes?: string[], credentials?: string[] } }} pkg
 * @returns {string[]} one sentence per problem; empty = as expected
 */
export function packProblems(files, pkg) {
	const problems = [];
	const top = (file) => (file.includes('/') ? `${file.split('/')[0]}/` : file);
	for (const file of files) {
		if (!EXPECTED.includes(top(file))) problems.push(`unexpected file in the tarball: ${file}`);
	}
	for (const entry of EXPECTED) {
		if (!files.some((file) => top(file) === entry)) {
			problems.push(
				`missing from the tarball: ${entry}${entry === 'dist/' ? ' (run `npm run build` first)' : ''}`,
			);
		}
	}
	const referenced = [
		['main', pkg.main],
		['types', pkg.types],
		...(pkg.n8n?.nodes ?? []).map((file) => ['n8n.nodes', file]),
		...(pkg.n8n?.credentials ?? []).map((file) => ['n8n.credentials', file]),
	];
	for (const [field, file] of referenced) {
		if (!file) continue;
		const normal = path.posix.normalize(file);
		if (!files.includes(normal))
			problems.push(`package.json ${field} names ${file}, which is not in the tarball`);
	}
	return problems;
}

/** `npm pack --dry-run --json` in the repository: the tarball's name and its files. */
export function dryRunPack(dir = root) {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json'], {
		cwd: dir,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [report] = JSON.parse(out);
	return { filename: report.filename, files: report.files.map((f) => f.path) };
}

/** Packs (dry run) and checks; prints the verdict. @returns {boolean} whether it passed */
export function checkPack(dir = root, { log = console.log, error = console.error } = {}) {
	const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const { filename, files } = dryRunPack(dir);
	const problems = packProblems(files, pkg);
	if (problems.length === 0) {
		const dist = files.filter((f) => f.startsWith('dist/')).length;
		log(
			`check-pack: ${filename}: dist/ (${dist} files), ${EXPECTED.slice(1).join(', ')}: as expected`,
		);
		return true;
	}
	error(`check-pack: ${filename}: FAILED`);
	for (const problem of problems) error(`  ${problem}`);
	return false;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	process.exit(checkPack() ? 0 : 1);
}
