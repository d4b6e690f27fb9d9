/**
 * The example workflows against the n8n installs of the e2e cache: every n8n node they use exists
 * in each installed n8n line at the type version the file names (n8n shows an unknown version as
 * "?" and does not run it). Needs the cache (`npm run n8n:install`); without it the suite says so.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { BASE, EXAMPLE_WORKFLOWS } from '../fixtures/examples';
import { cachedN8nInstalls } from '../helpers/n8n-installs';

const examples = EXAMPLE_WORKFLOWS;
const installs = cachedN8nInstalls();

if (installs.length === 0) {
	describe('the example workflows in real n8n', () => {
		it.skip('needs the n8n cache: run `npm run n8n:install`', () => undefined);
	});
}

describe.each(installs.map((i) => [i.version, i] as const))(
	'the example workflows in n8n %s',
	(_version, install) => {
		const described = JSON.parse(
			fs.readFileSync(
				path.join(install.n8nDir, '..', 'n8n-nodes-base', 'dist', 'types', 'nodes.json'),
				'utf8',
			),
		) as Array<{ name: string; version: number | number[] }>;
		const versions = new Map<string, Set<number>>();
		for (const { name, version } of described) {
			const set = versions.get(name) ?? new Set<number>();
			for (const v of Array.isArray(version) ? version : [version]) set.add(v);
			versions.set(name, set);
		}

		it.each(examples.map((e) => [e.file, e.workflow] as const))(
			'%s uses only node types and versions this n8n has',
			(_file, workflow) => {
				const missing = workflow.nodes
					.filter((node) => node.type.startsWith(BASE))
					.filter((node) => !versions.get(node.type.slice(BASE.length))?.has(node.typeVersion))
					.map((node) => `${node.name}: ${node.type} v${node.typeVersion}`);
				expect(missing).toEqual([]);
			},
		);
	},
);
