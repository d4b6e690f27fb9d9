// What a running n8n executed, read back from its SQLite database with n8n's own sqlite3 +
// flatted (no extra dependency; works on Node 20 where node:sqlite does not exist). Runs in a
// child process with n8n's Node because sqlite3 is compiled there and to keep the caller's
// process free of native modules.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { waitUntil } from '../wait.mjs';

const READ_EXECUTIONS_SCRIPT = String.raw`
const { createRequire } = require('node:module');
const [n8nPackageJson, dbPath, workflowId, raw] = process.argv.slice(2);
const requireFromN8n = createRequire(n8nPackageJson);
const sqlite3 = requireFromN8n('sqlite3');
const { parse } = requireFromN8n('flatted');

const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READWRITE, (error) => {
	if (error) fail(error);
});
db.configure('busyTimeout', 10000);
if (raw === 'count') {
	// Counts only: cheap enough to poll during a load run of thousands of executions.
	db.all('SELECT workflowId, status, COUNT(*) AS count FROM execution_entity GROUP BY workflowId, status', [], (error, rows) => {
		if (error) fail(error);
		process.stdout.write(JSON.stringify(rows));
		db.close();
	});
	return;
}
if (raw.startsWith('stuck:')) {
	// What n8n's crash recovery leaves when a kill came before the run's first node: "running" for
	// good. Also started hours earlier, standing in for the time a merchant's n8n runs on.
	const [, id, hours] = raw.split(':');
	db.run(
		"UPDATE execution_entity SET status = 'running', finished = 0, stoppedAt = NULL, " +
			"startedAt = strftime('%Y-%m-%d %H:%M:%f', startedAt, ?) WHERE id = ?",
		['-' + Number(hours) + ' hours', id],
		function (error) {
			if (error) fail(error);
			process.stdout.write(JSON.stringify(this.changes));
			db.close();
		},
	);
	return;
}
const sql =
	'SELECT e.id, e.status, e.mode, e.workflowId, e.finished, e.startedAt, e.stoppedAt, d.data ' +
	'FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ' +
	(workflowId ? 'WHERE e.workflowId = ? ' : '') +
	'ORDER BY e.id';
db.all(sql, workflowId ? [workflowId] : [], (error, rows) => {
	if (error) fail(error);
	const result = rows.map((row) => {
		const data = row.data ? parse(row.data) : undefined;
		const runData = data?.resultData?.runData ?? {};
		const nodes = {};
		const outputs = {};
		for (const [nodeName, runs] of Object.entries(runData)) {
			// outputs[node][run][output] = item json[]; nodes[node] = first output of every run.
			outputs[nodeName] = runs.map((run) => (run?.data?.main ?? []).map((items) => (items ?? []).map((item) => item.json)));
			nodes[nodeName] = outputs[nodeName].flatMap((run) => run[0] ?? []);
		}
		const error = data?.resultData?.error;
		return {
			id: String(row.id),
			status: row.status,
			mode: row.mode,
			workflowId: row.workflowId,
			finished: Boolean(row.finished),
			startedAt: row.startedAt,
			stoppedAt: row.stoppedAt,
			lastNodeExecuted: data?.resultData?.lastNodeExecuted,
			error: error ? { message: error.message, description: error.description, node: error.node?.name } : undefined,
			nodes,
			outputs,
			...(raw === 'raw' ? { data } : {}),
		};
	});
	process.stdout.write(JSON.stringify(result));
	db.close();
});
function fail(error) {
	process.stderr.write(String(error && error.stack || error));
	process.exit(1);
}
`;

/** The statuses of a finished execution. */
export const FINAL_STATUSES = new Set(['success', 'error', 'crashed', 'canceled']);

/**
 * Whether an execution read from SQLite has ended with its data: n8n 1.x (pool size 0) stores the
 * final status and the data in two statements, so a success may show before its run data.
 */
export const hasEnded = (e) =>
	FINAL_STATUSES.has(e.status) && (e.status !== 'success' || e.lastNodeExecuted !== undefined);

/**
 * Runs a script with an n8n installation's Node (whose sqlite3 is compiled for it), passing it
 * n8n's package.json (to require n8n's modules from) and `args`; resolves with what it printed.
 * @param {{ nodeBin: string, dir: string }} n8n the installation (ensureN8n())
 */
export function runWithN8nNode(n8n, scriptFile, args, what) {
	return new Promise((resolve, reject) => {
		execFile(
			n8n.nodeBin,
			[scriptFile, path.join(n8n.dir, 'node_modules', 'n8n', 'package.json'), ...args],
			{ maxBuffer: 256 * 1024 * 1024, timeout: 60_000 },
			(error, stdout, stderr) => {
				if (error) reject(new Error(`${what} failed: ${stderr || error.message}`));
				else resolve(stdout);
			},
		);
	});
}

/** Runs the reader script against an n8n's database; resolves with what it printed, parsed. */
async function runScript(scriptFile, n8n, dbFile, workflowId, mode) {
	if (!fs.existsSync(dbFile)) return [];
	const what = `reading executions from ${dbFile}`;
	return JSON.parse(await runWithN8nNode(n8n, scriptFile, [dbFile, workflowId, mode], what));
}

/**
 * The readers of one n8n's executions (its SQLite database).
 * @param {object} options
 * @param {{ nodeBin: string, dir: string }} options.n8n the installation (ensureN8n())
 * @param {string} options.dbFile its database.sqlite
 * @param {string} options.workDir where the reader script is written
 * @param {(message: string) => Error} options.fail builds the error thrown on a timeout (to add the log tail)
 */
export function sqliteExecutions({ n8n, dbFile, workDir, fail }) {
	const readerScript = path.join(workDir, 'read-executions.cjs');
	fs.writeFileSync(readerScript, READ_EXECUTIONS_SCRIPT);
	const read = (workflowId, mode) => runScript(readerScript, n8n, dbFile, workflowId, mode);

	/** All executions (optionally of one workflow), oldest first. */
	async function executions({ workflowId, raw = false } = {}) {
		return read(workflowId ?? '', raw ? 'raw' : '');
	}

	/** [{ workflowId, status, count }] without reading execution data. */
	async function executionCounts() {
		return read('', 'count');
	}

	/**
	 * Wait until at least `count` executions (of `workflowId`, if given) have finished
	 * (success/error/crashed/canceled) and return all of them. n8n answers a webhook before the
	 * workflow has run (or before it saved the execution), so tests must poll.
	 */
	async function waitForExecutions({
		workflowId,
		count = 1,
		timeoutMs = 60_000,
		raw = false,
	} = {}) {
		let list = [];
		return waitUntil(
			`${count} finished execution(s)${workflowId ? ` of workflow ${workflowId}` : ''}`,
			async () => {
				list = await executions({ workflowId, raw });
				return list.filter(hasEnded).length >= count && list;
			},
			{
				timeoutMs,
				error: (message) =>
					fail(
						`${message}; have: ${JSON.stringify(list.map(({ id, status, mode }) => ({ id, status, mode })))}`,
					),
			},
		);
	}

	/**
	 * Wait until `count` executions (of `workflowId`, if given) that are not in `before` have
	 * finished, and return those, oldest first. Unlike waitForExecutions, an execution that is
	 * still running is never returned, however the counts line up.
	 */
	async function waitForNewExecutions({ workflowId, before, count = 1, timeoutMs = 60_000 }) {
		const known = new Set(before.map(({ id }) => id));
		let fresh = [];
		return waitUntil(
			`${count} new finished execution(s)${workflowId ? ` of workflow ${workflowId}` : ''}`,
			async () => {
				fresh = (await executions({ workflowId })).filter(({ id }) => !known.has(id));
				const finished = fresh.filter(hasEnded);
				return finished.length >= count && finished;
			},
			{
				timeoutMs,
				error: (message) =>
					fail(
						`${message}; new: ${JSON.stringify(fresh.map(({ id, status, mode }) => ({ id, status, mode })))}`,
					),
			},
		);
	}

	/**
	 * Turns a finished execution into one n8n's crash recovery left "running", started `hours`
	 * earlier (a test's clock: the recovery template waits an hour before it calls a run stuck).
	 */
	async function leaveRunning(executionId, { hours }) {
		const changed = await read('', `stuck:${executionId}:${hours}`);
		if (changed !== 1) throw fail(`execution ${executionId} not found to leave running`);
	}

	return { executions, executionCounts, waitForExecutions, waitForNewExecutions, leaveRunning };
}
