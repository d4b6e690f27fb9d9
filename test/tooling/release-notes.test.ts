/**
 * scripts/release-notes.mjs: a release's notes are the newest version section of CHANGELOG.md,
 * which must be the version released, not empty, with nothing left under Unreleased.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { callEsm, root } from './esm';

const notesOf = (changelog: string, version: string) =>
	callEsm<{ version: string; heading: string; notes: string }>(
		'scripts/release-notes.mjs',
		'releaseNotes',
		changelog,
		version,
	);

function refusal(changelog: string, version: string): string {
	try {
		notesOf(changelog, version);
	} catch (error) {
		const stderr = String((error as { stderr?: string }).stderr ?? '');
		return /Error: (.*)/.exec(stderr)?.[1] ?? stderr;
	}
	throw new Error('expected a refusal');
}

const changelog = (
	unreleased: string,
	newest = '## 0.2.0\n\n### Added\n- Subscription → Cancel.\n\n### Fixed\n- IDs are never rounded.\n',
) =>
	`# Changelog\n\nIntro text.\n\n## Unreleased\n${unreleased}\n${newest}\n## 0.1.0\n\nFirst version.\n`;

describe('release notes from CHANGELOG.md', () => {
	test("the newest version's section, without its heading, the intro or older versions", () => {
		const { notes, heading } = notesOf(changelog(''), '0.2.0');
		expect(heading).toBe('0.2.0');
		expect(notes).toBe(
			'### Added\n- Subscription → Cancel.\n\n### Fixed\n- IDs are never rounded.\n',
		);
	});

	test.each([
		['[0.2.0] - 2026-12-01', '[0.2.0] - 2026-12-01'],
		['0.2.0 (2026-12-01)', '0.2.0 (2026-12-01)'],
		['v0.2.0', 'v0.2.0'],
	])('a heading written %p names the version', (written, heading) => {
		expect(notesOf(changelog('', `## ${written}\n\n- A change.\n`), '0.2.0')).toMatchObject({
			heading,
			notes: '- A change.\n',
		});
	});

	test('empty subheadings left under Unreleased are not entries', () => {
		expect(notesOf(changelog('\n### Added\n\n### Fixed\n'), '0.2.0').heading).toBe('0.2.0');
	});

	test('entries still under Unreleased stop the release', () => {
		expect(refusal(changelog('\n### Added\n- Forgotten.\n'), '0.2.0')).toBe(
			'CHANGELOG.md: "## Unreleased" still has entries; move them under "## 0.2.0" first',
		);
	});

	test('a newest section of another version stops the release', () => {
		expect(refusal(changelog(''), '0.3.0')).toBe(
			'CHANGELOG.md: the newest section is "## 0.2.0", not version 0.3.0',
		);
		// 0.2.0 does not match 0.2.0-rc.1 or 0.2.01 by accident.
		expect(refusal(changelog(''), '0.2.0-rc.1')).toContain('not version 0.2.0-rc.1');
	});

	test('an empty version section stops the release', () => {
		expect(refusal(changelog('', '## 0.2.0\n\n'), '0.2.0')).toBe(
			'CHANGELOG.md: "## 0.2.0" is empty',
		);
	});

	test("this repository's CHANGELOG reads as the release expects: package.json's version has a section, the newest has notes", () => {
		const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
			version: string;
		};
		const text = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
		const versions = [...text.matchAll(/^## +\[?v?(\d+\.\d+\.\d+\S*?)\]?(?:\s|$)/gm)].map(
			(m) => m[1],
		);
		expect(versions).toContain(version);
		// Between releases Unreleased collects entries; the release moves them (CONTRIBUTING.md).
		const released = text.replace(/^## Unreleased\n[\s\S]*?(?=^## )/m, '');
		expect(notesOf(released, versions[0]).notes.length).toBeGreaterThan(0);
	});

	test('the command writes the notes to --out, and exits 1 with the reason when it cannot', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-notes-'));
		try {
			const file = path.join(dir, 'CHANGELOG.md');
			fs.writeFileSync(file, changelog(''));
			const out = path.join(dir, 'notes.md');
			const script = path.join(root, 'scripts', 'release-notes.mjs');
			const ok = spawnSync(
				process.execPath,
				[script, '--version', '0.2.0', '--changelog', file, '--out', out],
				{ encoding: 'utf8' },
			);
			expect(ok.status).toBe(0);
			expect(fs.readFileSync(out, 'utf8')).toBe(notesOf(changelog(''), '0.2.0').notes);
			const bad = spawnSync(process.execPath, [script, '--version', '0.9.0', '--changelog', file], {
				encoding: 'utf8',
			});
			expect(bad.status).toBe(1);
			expect(bad.stderr).toContain('not version 0.9.0');
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
