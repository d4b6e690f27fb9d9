#!/usr/bin/env node
// `npm run n8n:outdated`: is there a newer n8n than the one each line of the matrix pins
// (scripts/n8n/versions.mjs)? One registry look-up (`npm view n8n versions --json`); prints, per
// line, the pin and the newest release of that line, and exits 1 when a newer release (or a new
// major line) exists, 0 when every pin is the newest, 2 when npm could not be asked.
// Not part of `npm test`: the answer changes with the registry, not with this repository.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { DEFAULT_MATRIX, LINES, UNINSTALLABLE } from './versions.mjs';

const STABLE = /^\d+\.\d+\.\d+$/;

function compareVersions(a, b) {
	return a.localeCompare(b, undefined, { numeric: true });
}

/**
 * Each line's pin against the published versions (pure, for the tests).
 * @param {{ line: string, version: string }[]} lines
 * @param {string[]} published every version npm lists (pre-releases are ignored)
 * @param {Record<string, string>} [uninstallable] version -> why it does not install here
 * @returns {{ rows: { line: string, pinned: string, newest: string | undefined, status: 'current' | 'newer' | 'unpublished', note?: string }[],
 *             newLines: { major: string, newest: string }[], outdated: boolean }}
 */
export function compareWithPublished(lines, published, uninstallable = {}) {
	const stable = published.filter((v) => STABLE.test(v)).sort(compareVersions);
	const newestOf = (major) => stable.filter((v) => v.split('.')[0] === major).pop();
	const rows = lines.map(({ line, version }) => {
		const newest = newestOf(version.split('.')[0]);
		let status = 'current';
		if (!stable.includes(version)) status = 'unpublished';
		else if (newest && compareVersions(newest, version) > 0) status = 'newer';
		const note =
			status === 'newer' && uninstallable[newest]
				? `does not install here: ${uninstallable[newest]}`
				: undefined;
		return { line, pinned: version, newest, status, ...(note ? { note } : {}) };
	});
	// A major above every pinned one is a line the matrix does not test yet.
	const pinnedMajors = lines.map((l) => Number(l.version.split('.')[0]));
	const newLines = [...new Set(stable.map((v) => v.split('.')[0]))]
		.filter((major) => Number(major) > Math.max(...pinnedMajors))
		.map((major) => ({ major, newest: newestOf(major) }));
	const outdated = rows.some((r) => r.status !== 'current') || newLines.length > 0;
	return { rows, newLines, outdated };
}

function publishedVersions() {
	const out = execFileSync('npm', ['view', 'n8n', 'versions', '--json'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const parsed = JSON.parse(out);
	if (!Array.isArray(parsed)) throw new Error(`npm view n8n versions printed ${out.slice(0, 200)}`);
	return parsed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	let published;
	try {
		published = publishedVersions();
	} catch (error) {
		console.error(
			`n8n:outdated: could not ask npm for n8n's versions: ${error.stderr?.trim() || error.message}`,
		);
		process.exit(2);
	}
	const lines = DEFAULT_MATRIX.map((key) => LINES[key]);
	const { rows, newLines, outdated } = compareWithPublished(lines, published, UNINSTALLABLE);
	console.log('n8n:outdated: the pins of scripts/n8n/versions.mjs against the npm registry');
	for (const row of rows) {
		const verdict = {
			current: 'up to date',
			newer: 'NEWER RELEASE',
			unpublished: 'PIN NOT PUBLISHED',
		}[row.status];
		console.log(
			`  line ${row.line}: pinned ${row.pinned}, newest ${row.newest ?? '(none)'}: ${verdict}`,
		);
		if (row.note) console.log(`    ${row.note}`);
	}
	for (const { major, newest } of newLines) {
		console.log(
			`  n8n ${major}.x is published (newest ${newest}) and the matrix has no line for it`,
		);
	}
	process.exit(outdated ? 1 : 0);
}
