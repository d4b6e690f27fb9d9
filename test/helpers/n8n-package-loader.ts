/**
 * This package's node and credential types loaded from dist the way n8n loads
 * an installed community package.
 */
import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Package name n8n uses as the type prefix of an installed package. */
export const PACKAGE_NAME = 'n8n-nodes-verotel-flexpay';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Loads node and credential types from the built package exactly as n8n loads
 * an installed community package (n8n-core PackageDirectoryLoader reading
 * package.json `n8n.nodes` / `n8n.credentials` from dist). Entries whose file
 * is not built (yet) are left out. Returns undefined when nothing is built.
 */
export async function loadBuiltPackage(packageDir = REPO_ROOT): Promise<
	| {
			nodeTypes: Record<string, INodeType | IVersionedNodeType>;
			credentialTypes: Record<string, ICredentialType>;
			loader: PackageDirectoryLoader;
	  }
	| undefined
> {
	const loader = new PackageDirectoryLoader(packageDir);
	const section = loader.packageJson.n8n;
	if (!section) return undefined;
	const exists = (file: string) => fs.existsSync(path.resolve(packageDir, file));
	section.nodes = (section.nodes ?? []).filter(exists);
	section.credentials = (section.credentials ?? []).filter(exists);
	if (section.nodes.length === 0) return undefined;
	await loader.loadAll();
	const nodeTypes: Record<string, INodeType | IVersionedNodeType> = {};
	for (const [name, data] of Object.entries(loader.nodeTypes))
		nodeTypes[`${loader.packageName}.${name}`] = data.type;
	const credentialTypes: Record<string, ICredentialType> = {};
	for (const [name, data] of Object.entries(loader.credentialTypes))
		credentialTypes[name] = data.type;
	return { nodeTypes, credentialTypes, loader };
}
