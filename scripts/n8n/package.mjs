// The community package, installed the way n8n's community-package installer leaves it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** `npm pack` of `packageDir` into `workDir` (scripts skipped: build the package first); returns the tarball. */
export function pack(packageDir, workDir) {
	const out = execFileSync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', workDir],
		{ cwd: packageDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
	);
	// npm may print lifecycle noise before the JSON; the JSON array starts at the first '['
	// at the beginning of a line.
	const json = JSON.parse(out.slice(out.search(/^\[/m)));
	return path.join(workDir, json[0].filename);
}

/**
 * pack() `packageDir` or take the given tarball, and extract it
 * to <userFolder>/.n8n/nodes/node_modules/<name>, with <userFolder>/.n8n/nodes/package.json
 * listing it as a dependency, as n8n's installer does.
 * @returns {{ name: string, version: string, dir: string }}
 */
export function installCommunityPackage({ packageDir, tarball, userFolder, workDir, log }) {
	if (packageDir) tarball = pack(packageDir, workDir);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const staging = fs.mkdtempSync(path.join(workDir, 'package-staging-'));
	fs.mkdirSync(staging, { recursive: true });
	// npm tarballs hold everything under "package/".
	execFileSync('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
	const manifest = JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8'));
	const { name, version } = manifest;
	// n8n only scans folders named n8n-nodes-* or @scope/n8n-nodes-*.
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(name)) {
		throw new Error(`Package name "${name}" does not start with n8n-nodes-: n8n would not load it`);
	}
	const files = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = files.filter((file) => !fs.existsSync(path.join(staging, file)));
	if (missing.length) {
		throw new Error(
			`The packed ${name} lacks ${missing.join(', ')}: build the package before packing it`,
		);
	}
	const dir = path.join(nodesDir, 'node_modules', name);
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	// A kept user folder still holds the previous start's copy: replace it, as an update does.
	fs.rmSync(dir, { recursive: true, force: true });
	fs.renameSync(staging, dir);
	// Several packages may be installed side by side (e.g. a benchmark's floor trigger).
	const nodesManifest = path.join(nodesDir, 'package.json');
	const installed = fs.existsSync(nodesManifest)
		? JSON.parse(fs.readFileSync(nodesManifest, 'utf8'))
		: { name: 'installed-nodes', private: true, dependencies: {} };
	installed.dependencies[name] = version;
	fs.writeFileSync(nodesManifest, JSON.stringify(installed, null, 2));
	if (Object.keys(manifest.dependencies ?? {}).length) {
		// n8n's installer runs npm install, which brings runtime dependencies; peers (n8n-workflow)
		// resolve to n8n's own copy.
		log(`installing runtime dependencies of ${name}`);
		execFileSync(
			'npm',
			[
				'install',
				'--omit=dev',
				'--omit=peer',
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--no-package-lock',
			],
			{
				cwd: dir,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
	}
	log(`installed community package ${name}@${version}`);
	return { name, version, dir };
}
