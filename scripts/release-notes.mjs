#!/usr/bin/env node
// The release notes of a version: its section of CHANGELOG.md, the newest one. The release
// workflow runs this before `npm publish` (a release whose CHANGELOG was not updated stops there)
// and again to create the GitHub release with these notes.
//
//   node scripts/release-notes.mjs [--version <x.y.z>] [--out <file>] [--changelog <file>]
//
// The version defaults to package.json's, the changelog to the repository's CHANGELOG.md. Fails when the newest version section of CHANGELOG.md
// is not that version, is empty, or when *Unreleased* still has entries (they were meant to move
// under the version's heading: CONTRIBUTING.md, Releasing).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `## <heading>` sections of a Keep-a-Changelog text: [{ heading, body }] in file order. */
function sections(text) {
	const found = [];
	for (const line of text.split(/\r?\n/)) {
		const heading = /^## +(.*?)\s*$/.exec(line);
		if (heading) found.push({ heading: heading[1], lines: [] });
		else if (found.length) found[found.length - 1].lines.push(line);
	}
	return found.map(({ heading, lines }) => ({ heading, body: lines.join('\n').trim() }));
}

/** The version a heading names: `0.2.0`, `[0.2.0] - 2026-12-01`, `v0.2.0 (2026-12-01)`. */
function headingVersion(heading) {
	return /^\[?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]?(?:\s|$)/.exec(heading)?.[1];
}

/**
 * The notes of `version` from CHANGELOG text (pure, for the tests).
 * @returns {{ version: string, heading: string, notes: string }}
 * @throws when the newest version section is another version or empty, or Unreleased has entries
 */
export function releaseNotes(changelog, version) {
	const all = sections(changelog);
	const unreleased = all.find((s) => /^\[?unreleased\]?$/i.test(s.heading));
	// Empty `### Added` (etc.) headings left in place for the next entries are not entries.
	if (unreleased?.body.split('\n').some((line) => line.trim() && !/^#{3,} /.test(line))) {
		throw new Error(
			`CHANGELOG.md: "## ${unreleased.heading}" still has entries; move them under "## ${version}" first`,
		);
	}
	const newest = all.find((s) => headingVersion(s.heading));
	if (!newest) throw new Error('CHANGELOG.md: no "## <version>" section');
	if (headingVersion(newest.heading) !== version) {
		throw new Error(
			`CHANGELOG.md: the newest section is "## ${newest.heading}", not version ${version}`,
		);
	}
	if (!newest.body) throw new Error(`CHANGELOG.md: "## ${newest.heading}" is empty`);
	return { version, heading: newest.heading, notes: `${newest.body}\n` };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const args = process.argv.slice(2);
	const option = (name) => {
		const at = args.indexOf(name);
		return at === -1 ? undefined : args[at + 1];
	};
	const version =
		option('--version') ??
		JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
	try {
		const changelog = option('--changelog') ?? path.join(root, 'CHANGELOG.md');
		const { notes, heading } = releaseNotes(readFileSync(changelog, 'utf8'), version);
		const out = option('--out');
		if (out) {
			writeFileSync(out, notes);
			console.log(
				`release-notes: "## ${heading}" of CHANGELOG.md (${notes.split('\n').length - 1} lines) -> ${out}`,
			);
		} else {
			process.stdout.write(notes);
		}
	} catch (error) {
		console.error(`release-notes: ${error.message}`);
		process.exit(1);
	}
}
