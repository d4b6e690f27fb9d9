/**
 * No unused devDependency. Each one in package.json must be
 * - imported, required or named by a tracked code or config file, as the string `'name'` or
 *   `'name/…'` (an import, a require.resolve, jest's `'ts-jest'` transform), or
 * - the types (`@types/x`) of such a package or of an entry of a tsconfig's `types`, or
 * - a command-line tool on the allow-list below, whose command an npm script runs.
 * A package whose last user went away (as zod, eslint, @eslint/js and typescript-eslint once
 * were) fails here; remove it with `npm uninstall <name>`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { root } from './esm';

/**
 * devDependencies that no file imports: command-line tools only an npm script runs. Each names
 * its command, which must appear in package.json's scripts, so an entry cannot outlive its use.
 */
const CLI_ONLY: Record<string, { command: string; why: string }> = {
	// `tsc` compiles (npm run build) and type-checks (npm run typecheck); ts-jest uses it too.
	typescript: { command: 'tsc', why: 'npm run build and npm run typecheck' },
};

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	scripts: Record<string, string>;
	devDependencies: Record<string, string>;
};

/** The repository's files (git's list; without git, every file but installed and built ones). */
function repositoryFiles(): string[] {
	try {
		return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
			.split('\0')
			.filter(Boolean);
	} catch {
		const walk = (dir: string): string[] =>
			fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
				const file = dir ? `${dir}/${entry.name}` : entry.name;
				if (!entry.isDirectory()) return [file];
				return ['node_modules', 'dist', 'coverage', '.git'].includes(entry.name) ? [] : walk(file);
			});
		return walk('');
	}
}

const files = repositoryFiles();
const self = path.relative(root, __filename).split(path.sep).join('/');
/** Code and config: what can import a package (this file aside: it names packages itself). */
const code = files
	.filter((file) => /\.(ts|cts|mts|js|cjs|mjs)$/.test(file) && file !== self)
	.filter((file) => fs.existsSync(path.join(root, file)))
	.map((file) => ({ file, text: fs.readFileSync(path.join(root, file), 'utf8') }));
/** Every `types` entry of the tsconfigs (`node`, `jest`): their @types packages are used. */
const tsconfigTypes = files
	.filter((file) => /(^|\/)tsconfig[^/]*\.json$/.test(file))
	.flatMap((file) => {
		const config = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as {
			compilerOptions?: { types?: string[] };
		};
		return config.compilerOptions?.types ?? [];
	});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The first file that names `name` (or a path inside it) as a string; undefined = none. */
function fileImporting(name: string): string | undefined {
	const specifier = new RegExp(`(['"\`])${escapeRegExp(name)}(/[^'"\`\\s]*)?\\1`);
	return code.find(({ text }) => specifier.test(text))?.file;
}

/** Why `name` counts as used, or undefined when nothing uses it. */
function usedBecause(name: string): string | undefined {
	const importer = fileImporting(name);
	if (importer) return `imported by ${importer}`;
	if (name.startsWith('@types/')) {
		const typed = name.slice('@types/'.length);
		const pkgName = typed.includes('__') ? `@${typed.replace('__', '/')}` : typed;
		if (tsconfigTypes.includes(typed)) return `in a tsconfig's types`;
		const typedImporter = fileImporting(pkgName);
		if (typedImporter) return `types of ${pkgName}, imported by ${typedImporter}`;
	}
	const cli = CLI_ONLY[name];
	if (cli && Object.values(pkg.scripts).some((script) => commandIn(script, cli.command))) {
		return `the command ${cli.command} (${cli.why})`;
	}
	return undefined;
}

/** Whether a shell command line runs `command` (as a word, not inside another name). */
function commandIn(script: string, command: string): boolean {
	return new RegExp(`(^|[\\s;&|(])${escapeRegExp(command)}(\\s|$)`).test(script);
}

describe('devDependencies', () => {
	test('every devDependency is used by some file, a tsconfig or an npm script', () => {
		const unused = Object.keys(pkg.devDependencies).filter((name) => !usedBecause(name));
		expect(unused).toEqual([]);
	});

	test('the CLI allow-list names only devDependencies, and only ones no file imports', () => {
		for (const name of Object.keys(CLI_ONLY)) {
			expect([name, name in pkg.devDependencies]).toEqual([name, true]);
			expect([name, fileImporting(name)]).toEqual([name, undefined]);
		}
	});

	test('the check tells used from unused', () => {
		expect(usedBecause('nock')).toMatch(/^imported by test\//);
		expect(usedBecause('@types/js-yaml')).toMatch(/^types of js-yaml, imported by /);
		expect(usedBecause('@types/node')).toBe(`in a tsconfig's types`);
		expect(usedBecause('typescript')).toBe('the command tsc (npm run build and npm run typecheck)');
		expect(usedBecause('no-such-package')).toBeUndefined();
		expect(commandIn('tsc -p tsconfig.json && gulp build:icons', 'tsc')).toBe(true);
		expect(commandIn('node scripts/tsc-like.mjs', 'tsc')).toBe(false);
	});
});
