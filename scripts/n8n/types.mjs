// The node and credential types a running n8n loaded, as it lists them to the editor.
import fs from 'node:fs';
import path from 'node:path';

/**
 * @param {string} userFolder the instance's N8N_USER_FOLDER
 * @param {(what: string, timeoutMs: number, probe: () => Promise<unknown>) => Promise<unknown>} waitFor
 *   polls `probe` while n8n runs
 */
export function typesReader(userFolder, waitFor) {
	async function readTypesFile(kind) {
		const file = path.join(userFolder, '.cache', 'n8n', 'public', 'types', `${kind}.json`);
		let types;
		// Retry until the file exists and parses: n8n may still be streaming it out.
		await waitFor(`${file} to be written`, 30_000, async () => {
			types = JSON.parse(fs.readFileSync(file, 'utf8'));
			return Array.isArray(types);
		});
		return types;
	}

	return {
		/**
		 * The node types n8n loaded, as listed to the editor: n8n writes them at start-up to
		 * <N8N_USER_FOLDER>/.cache/n8n/public/types/nodes.json (the file behind /types/nodes.json,
		 * which on 2.x needs a login). Returns [{ name, displayName, version, ... }] with one entry
		 * per node (versioned nodes may appear once per version).
		 */
		listNodeTypes: () => readTypesFile('nodes'),
		/** The credential types n8n loaded, [{ name, displayName, properties, ... }] (same source). */
		listCredentialTypes: () => readTypesFile('credentials'),
	};
}
