/**
 * `npm run n8n:outdated` (scripts/n8n/outdated.mjs): its verdict per line of the matrix, from a
 * fixed list of published versions (the registry itself is not asked here).
 */
import { callEsm } from './esm';

interface Verdict {
	rows: { line: string; pinned: string; newest?: string; status: string; note?: string }[];
	newLines: { major: string; newest: string }[];
	outdated: boolean;
}

const lines = [
	{ line: '2', version: '2.41.1' },
	{ line: '1', version: '1.123.81' },
];
const compare = (published: string[], uninstallable: Record<string, string> = {}): Verdict =>
	callEsm<Verdict>(
		'scripts/n8n/outdated.mjs',
		'compareWithPublished',
		lines,
		published,
		uninstallable,
	);

describe('n8n:outdated', () => {
	test('every pin the newest of its line: not outdated', () => {
		const v = compare(['1.123.80', '1.123.81', '2.41.0', '2.41.1', '2.42.0-rc.1']);
		expect(v.outdated).toBe(false);
		expect(v.rows).toEqual([
			{ line: '2', pinned: '2.41.1', newest: '2.41.1', status: 'current' },
			{ line: '1', pinned: '1.123.81', newest: '1.123.81', status: 'current' },
		]);
	});

	test('a newer patch of one line (compared as numbers, not text) makes it outdated, with the known reason', () => {
		const v = compare(['1.123.81', '2.41.1', '2.41.3', '2.5.0'], {
			'2.41.3': 'ETARGET @n8n/agents@0.26.2',
		});
		expect(v.outdated).toBe(true);
		expect(v.rows[0]).toEqual({
			line: '2',
			pinned: '2.41.1',
			newest: '2.41.3',
			status: 'newer',
			note: 'does not install here: ETARGET @n8n/agents@0.26.2',
		});
		expect(v.rows[1].status).toBe('current');
	});

	test('a newer 1.x counts for line 1 only', () => {
		const v = compare(['1.123.81', '1.124.0', '2.41.1']);
		expect(v.rows.map((r) => [r.line, r.status, r.newest])).toEqual([
			['2', 'current', '2.41.1'],
			['1', 'newer', '1.124.0'],
		]);
		expect(v.outdated).toBe(true);
	});

	test('a new major is reported as a line the matrix lacks', () => {
		const v = compare(['1.123.81', '2.41.1', '3.0.0', '3.0.1']);
		expect(v.newLines).toEqual([{ major: '3', newest: '3.0.1' }]);
		expect(v.outdated).toBe(true);
	});

	test('a pin npm does not list is reported, not taken as current', () => {
		const v = compare(['1.123.81', '2.41.0']);
		expect(v.rows[0]).toMatchObject({ pinned: '2.41.1', newest: '2.41.0', status: 'unpublished' });
		expect(v.outdated).toBe(true);
	});
});
