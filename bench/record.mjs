// The FlexPay Trigger's record of accepted postbacks (docs/design/delivery.md §4) as a merchant's n8n
// holds it after its first 5,000 sales: full. Every postback's run reads and writes that row of
// n8n's deduplication store whole, so the bench fills it before the load instead of measuring
// against the nearly empty record of a fresh n8n.
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWithN8nNode } from '../scripts/n8n/executions.mjs';

const require = createRequire(import.meta.url);

/** The full row's value as n8n stores it (mode "entries", MD5 hashes in base64). */
export function fullRecordValue() {
	const { MAX_RECORDED_POSTBACKS } = require('../dist/nodes/VerotelFlexPayTrigger/repeats.js');
	const data = [];
	for (let i = 0; i < MAX_RECORDED_POSTBACKS; i++) {
		// Two entries a postback, as the trigger writes them: its key, and its key with the execution.
		const key = `123456:${1_000_000 + i}:purchase`;
		for (const entry of [key, `${key}@${i}`])
			data.push(createHash('md5').update(entry).digest('base64'));
	}
	return { postbacks: MAX_RECORDED_POSTBACKS, value: { mode: 'entries', data } };
}

// Run by runWithN8nNode (scripts/n8n/executions.mjs): n8n's Node and sqlite3.
const FILL_SCRIPT = String.raw`
const { createRequire } = require('node:module');
const { readFileSync } = require('node:fs');
const [n8nPackageJson, dbPath, workflowId, context, valueFile] = process.argv.slice(2);
const sqlite3 = createRequire(n8nPackageJson)('sqlite3');
const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READWRITE, (error) => error && fail(error));
db.configure('busyTimeout', 10000);
const now = "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')";
db.run(
	'INSERT OR REPLACE INTO processed_data (workflowId, context, value, createdAt, updatedAt) ' +
		'VALUES (?, ?, ?, ' + now + ', ' + now + ')',
	[workflowId, context, readFileSync(valueFile, 'utf8')],
	(error) => (error ? fail(error) : db.close()),
);
function fail(error) {
	process.stderr.write(String(error && error.message));
	process.exit(1);
}
`;

/**
 * Writes the full record of one FlexPay Trigger node into a running n8n's SQLite database
 * (`n:<node id>` is the context n8n gives a node's row).
 */
export async function fillRecord({ install, n8n, workflowId, nodeId }) {
	const { value } = fullRecordValue();
	const script = join(n8n.userFolder, `fill-record-${randomUUID()}.cjs`);
	const valueFile = `${script}.json`;
	writeFileSync(script, FILL_SCRIPT);
	writeFileSync(valueFile, JSON.stringify(value));
	await runWithN8nNode(
		install,
		script,
		[n8n.dbFile, workflowId, `n:${nodeId}`, valueFile],
		'filling the record',
	);
}
