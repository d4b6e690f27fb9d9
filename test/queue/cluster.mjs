// n8n in queue mode, the way merchants who outgrow one process run it: one main process (editor,
// API, workflow activation; no production webhooks), webhook processes that receive the
// postbacks, and workers that run the executions; PostgreSQL as the database, Redis as the
// queue. Every process has its own user folder with the pack installed the way n8n's installer
// does, as on separate machines.
import { createRequire } from 'node:module';
import path from 'node:path';

import { ENCRYPTION_KEY, startN8n } from '../../scripts/n8n/instance.mjs';
import { startPostgres, startRedis } from './services.mjs';

/**
 * @param {object} options
 * @param {object} options.install what ensureN8n() returned
 * @param {string} options.packageDir the pack (built)
 * @param {object[]} [options.credentials] imported by the main process
 * @param {object[]} [options.workflows] imported by the main process
 * @param {boolean | string[]} [options.activate=true] published by it: all, or these ids
 * @param {string[]} [options.webhookPaths] production webhook paths every webhook process must serve
 * @param {number} [options.webhookProcesses=2]
 * @param {number} [options.workers=2]
 * @param {Record<string,string>} [options.env] more environment for every process
 * @param {(line: string) => void} [options.log]
 */
export async function startCluster({
	install,
	packageDir,
	credentials,
	workflows,
	activate = true,
	webhookPaths = [],
	webhookProcesses = 2,
	workers: workerCount = 2,
	env: extraEnv = {},
	log = console.log,
}) {
	const postgres = await startPostgres({ log });
	const redis = await startRedis({ log });
	log(`PostgreSQL ${postgres.version} on ${postgres.port}, Redis on ${redis.port}`);
	const env = {
		...postgres.env,
		...redis.env,
		EXECUTIONS_MODE: 'queue',
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		// Production webhooks go to the webhook processes only.
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		...extraEnv,
	};
	const processes = [];
	const cluster = {
		postgres,
		redis,
		env,
		main: undefined,
		webhooks: [],
		workers: [],
		async stop() {
			await Promise.allSettled(processes.map((p) => p.stop({ graceMs: 5_000 })));
			await Promise.allSettled([postgres.stop(), redis.stop()]);
		},
	};
	try {
		const common = { install, packageDir, env };
		// The main process migrates the database, imports and publishes: first, alone.
		cluster.main = await startN8n({
			...common,
			credentials,
			workflows,
			activate,
			log: (l) => log(`main: ${l}`),
		});
		processes.push(cluster.main);
		const started = await Promise.all([
			...Array.from({ length: webhookProcesses }, (_, i) =>
				startN8n({
					...common,
					command: 'webhook',
					waitForWebhooks: webhookPaths,
					log: (l) => log(`webhook ${i + 1}: ${l}`),
				}),
			),
			...Array.from({ length: workerCount }, (_, i) =>
				startN8n({ ...common, command: 'worker', log: (l) => log(`worker ${i + 1}: ${l}`) }),
			),
		]);
		processes.push(...started);
		cluster.webhooks = started.slice(0, webhookProcesses);
		cluster.workers = started.slice(webhookProcesses);
		return cluster;
	} catch (error) {
		await cluster.stop();
		throw error;
	}
}

/**
 * The executions in PostgreSQL, read with the `pg` and `flatted` that ship inside n8n: id,
 * status, mode, workflowId and the items each node put out.
 */
export function executionReader(install, postgres) {
	const requireFromN8n = createRequire(
		path.join(install.dir, 'node_modules', 'n8n', 'package.json'),
	);
	const { Client } = requireFromN8n('pg');
	const { parse } = requireFromN8n('flatted');
	async function query(sql, params = []) {
		const client = new Client({
			host: postgres.host,
			port: postgres.port,
			user: postgres.user,
			database: postgres.database,
		});
		await client.connect();
		try {
			return (await client.query(sql, params)).rows;
		} finally {
			await client.end();
		}
	}
	return {
		query,
		/** [{ workflowId, status, count }] */
		async counts() {
			return (
				await query(
					'SELECT "workflowId", status, COUNT(*)::int AS count FROM execution_entity GROUP BY 1, 2',
				)
			).map((r) => ({ ...r }));
		},
		/** Executions of `workflowId`, oldest first, with the items of every node. */
		async executions(workflowId) {
			const rows = await query(
				'SELECT e.id, e.status, e.mode, e."workflowId", d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id WHERE e."workflowId" = $1 ORDER BY e.id',
				[workflowId],
			);
			return rows.map((row) => {
				const data = row.data ? parse(row.data) : undefined;
				const nodes = {};
				for (const [name, runs] of Object.entries(data?.resultData?.runData ?? {})) {
					nodes[name] = runs.flatMap((run) =>
						(run?.data?.main?.[0] ?? []).map((item) => item.json),
					);
				}
				return {
					id: String(row.id),
					status: row.status,
					mode: row.mode,
					workflowId: row.workflowId,
					nodes,
					data,
				};
			});
		},
	};
}
