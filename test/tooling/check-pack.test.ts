/**
 * scripts/check-pack.mjs: the tarball `npm publish` uploads holds exactly dist/, index.js,
 * index.d.ts, README.md, LICENSE and package.json, and every file package.json points at.
 * `npm run lint` and the release workflow run it; here its rule is exercised on made-up file
 * lists, then on this repository's real dry-run pack (when dist is built).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { callEsm, root } from './esm';

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	license: string;
	main: string;
	types: string;
	files: string[];
	n8n: { nodes: string[]; credentials: string[] };
};
const problems = (files: string[], manifest: unknown = pkg): string[] =>
	callEsm<string[]>('scripts/check-pack.mjs', 'packProblems', files, manifest);

const good = [
	'LICENSE',
	'README.md',
	'index.d.ts',
	'index.js',
	'package.json',
	'dist/lib/index.js',
	'dist/lib/index.d.ts',
	...pkg.n8n.nodes,
	...pkg.n8n.credentials,
];

describe('check-pack', () => {
	test('the expected set passes', () => {
		expect(problems(good)).toEqual([]);
	});

	test.each([
		['a test file', 'test/lib/signature.test.ts'],
		['an env file', '.env'],
		['a stray top-level file', 'CHANGELOG.md'],
	])('%s in the tarball is refused', (_label, file) => {
		expect(problems([...good, file])).toEqual([`unexpected file in the tarball: ${file}`]);
	});

	test.each(['LICENSE', 'README.md', 'index.js', 'index.d.ts', 'package.json'])(
		'a tarball without %s is refused',
		(file) => {
			expect(problems(good.filter((f) => f !== file))).toContain(
				`missing from the tarball: ${file}`,
			);
		},
	);

	test('without dist it says to build first, and names the files package.json points at', () => {
		const found = problems(good.filter((f) => !f.startsWith('dist/')));
		expect(found).toContain('missing from the tarball: dist/ (run `npm run build` first)');
		expect(found).toContain(`package.json types names ${pkg.types}, which is not in the tarball`);
		expect(found).toContain(
			`package.json n8n.nodes names ${pkg.n8n.nodes[0]}, which is not in the tarball`,
		);
	});

	test('a node package.json declares but the build did not produce is refused', () => {
		const [first, ...rest] = pkg.n8n.nodes;
		expect(problems(good.filter((f) => f !== first))).toEqual([
			`package.json n8n.nodes names ${first}, which is not in the tarball`,
		]);
		expect(rest.length).toBeGreaterThan(0);
	});

	test('the LICENSE file is the MIT licence package.json declares', () => {
		expect(pkg.license).toBe('MIT');
		const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
		expect(text.split('\n')[0]).toBe('MIT License');
		expect(text).toContain('Permission is hereby granted, free of charge');
	});

	test('this repository packs as expected (npm pack --dry-run)', () => {
		if (!fs.existsSync(path.join(root, pkg.types))) {
			console.warn('skipped: dist is not built (npm run build)');
			return;
		}
		const packed = callEsm<{ filename: string; files: string[] }>(
			'scripts/check-pack.mjs',
			'dryRunPack',
		);
		expect(problems(packed.files)).toEqual([]);
		expect(packed.filename).toMatch(/^n8n-nodes-verotel-flexpay-\d+\.\d+\.\d+.*\.tgz$/);
	});
});
