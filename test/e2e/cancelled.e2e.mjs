// SIGTERM while the trigger waits, with "Answer OK" = When the Workflow Starts and "Fetch Sale
// Details" on: the status service holds every request, n8n is stopped, then restarted, and Verotel
// sends every postback again. n8n 1.x cancels such runs on SIGTERM and saves a run cancelled while
// its trigger waits without the postback, so the trigger may answer OK only as its last step.
// Checked on both n8n lines: no postback answered OK lacks its item, and every sale ends with
// exactly one successful run that passed its item on.
//
//   npm run test:e2e            (part of `npm test`; N8N_E2E_VERSIONS=2 narrows the matrix)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { checkWithN8nLog, hasEnded, waitUntil } from './check.mjs';
import {
	durableImport,
	itemOf,
	nextSaleId,
	purchaseQuery,
	webhookPath,
	workflowFor,
} from './durable-setup.mjs';

import { ensureN8n } from '../../scripts/n8n/install.mjs';
import { httpRequest } from '../../scripts/n8n/http.mjs';
import { startN8n } from '../../scripts/n8n/instance.mjs';
import { resolveMatrix } from '../../scripts/n8n/versions.mjs';

const POSTBACKS = 3;
const TRIGGER_NODE = 'Verotel FlexPay Trigger';
const MODE = Object.freeze({
	answerOk: 'whenRunStarts',
	workflowId: 'CancelledLookup1',
	webhookId: 'd2a1b3c4-0003-4e5f-8a9b-0c1d2e3f4a53',
});

/** Verotel's status service, holding every request until `release()` (then answering at once). */
async function startHeldStatusService() {
	let released = false;
	const held = [];
	const server = http.createServer((req, res) => {
		const answer = () =>
			res.writeHead(200, { 'content-type': 'text/plain' }).end('response: NOTFOUND\n');
		if (released) answer();
		else held.push(answer);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${server.address().port}`,
		held: () => held.length,
		release() {
			released = true;
			for (const answer of held.splice(0)) answer();
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/** The durable suite's whenRunStarts workflow with Fetch Sale Details, 1 s of work behind it. */
function workflow() {
	const base = workflowFor(MODE, 1);
	const [trigger, work] = base.nodes;
	return {
		...base,
		name: 'cancelled e2e: OK when the workflow starts, Fetch Sale Details',
		nodes: [
			{
				...trigger,
				parameters: { options: { answerOk: 'whenRunStarts', fetchSaleDetails: true } },
			},
			work,
		],
	};
}

const send = (n8n, saleId) =>
	httpRequest(`${n8n.webhookUrl(webhookPath(MODE))}?${purchaseQuery(saleId)}`, {
		timeoutMs: 60_000,
	}).then(
		(response) => ({ saleId, status: response.status, body: response.body }),
		(error) => ({ saleId, status: 0, body: String(error.code || error.message) }),
	);

for (const spec of resolveMatrix()) {
	describe(`n8n ${spec.version}: SIGTERM while the trigger waits for the status service`, () => {
		const log = (line) => console.log(`[cancelled ${spec.version}] ${line}`);
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `flexpay-cancelled-${spec.version}-`));
		const check = checkWithN8nLog(log, () => n8n);
		let install;
		let n8n;
		let status;

		const start = async (first) => {
			const imported = durableImport([workflow()]);
			const credentials = imported.credentials.map((c) => ({
				...c,
				data: { ...c.data, baseUrl: status.baseUrl },
			}));
			return await startN8n({
				install,
				userFolder,
				...(first ? { ...imported, credentials } : {}),
				waitForWebhooks: [webhookPath(MODE)],
				log: (line) => log(`n8n: ${line}`),
			});
		};

		before(async () => {
			install = await ensureN8n(spec, { log: (line) => log(`install: ${line}`) });
			status = await startHeldStatusService();
			n8n = await start(true);
		});

		after(async () => {
			await n8n?.stop();
			await status?.close();
			if (!process.env.N8N_E2E_KEEP_TMP) fs.rmSync(userFolder, { recursive: true, force: true });
		});

		check(
			'no OK without its item, and each sale runs once after Verotel sends it again',
			async () => {
				const sales = Array.from({ length: POSTBACKS }, () => nextSaleId());
				const first = sales.map((saleId) => send(n8n, saleId));
				await waitUntil(
					'the status service holds every lookup',
					() => status.held() === POSTBACKS || undefined,
					{ timeoutMs: 30_000 },
				);
				process.kill(n8n.pid, 'SIGTERM');
				// n8n 1.x cancels these runs first in its shutdown, then logs that it waits for the
				// rest; 2.x lets them finish. Only then do their lookups answer.
				await waitUntil(
					'n8n waiting for its active executions',
					() => n8n.logTail(200).includes('active executions to finish') || undefined,
					{ timeoutMs: 10_000 },
				).catch(() => log('n8n did not log that it waits for its executions; releasing anyway'));
				status.release();
				const firstAnswers = await Promise.all(first);
				await n8n.exited;
				await n8n.stop();
				log(
					`first deliveries: ${JSON.stringify(firstAnswers.map(({ status: code, body }) => `${code} ${body.slice(0, 40)}`))}`,
				);

				n8n = await start(false);
				const earlier = (await n8n.executions({ workflowId: MODE.workflowId })).length;
				const again = await Promise.all(sales.map((saleId) => send(n8n, saleId)));
				assert.deepEqual(
					again.filter((a) => a.status !== 200 || a.body !== 'OK'),
					[],
					'postbacks Verotel sent again not answered OK',
				);
				// Every delivery gets an execution; wait until they have all ended, with their data
				// (n8n 1.x on SQLite stores an execution's status a moment before its data).
				const executions = await waitUntil(
					'the executions of the deliveries sent again',
					async () => {
						const list = await n8n.executions({ workflowId: MODE.workflowId, raw: true });
						const ended = list.slice(earlier).every(hasEnded);
						return list.length >= earlier + POSTBACKS && ended && list;
					},
					{ timeoutMs: 60_000 },
				);
				const summary = executions.map((e) => ({
					id: e.id,
					status: e.status,
					sale: itemOf(e)?.saleID,
					passedOn: e.nodes?.[TRIGGER_NODE]?.[0]?.saleID,
				}));
				log(`executions: ${JSON.stringify(summary)}`);
				// The first rule: a postback answered OK has an execution that holds its item.
				const held = new Set(summary.map((e) => e.sale).filter(Boolean));
				assert.deepEqual(
					firstAnswers
						.filter((a) => a.status === 200 && a.body === 'OK' && !held.has(a.saleId))
						.map((a) => a.saleId),
					[],
					'postbacks answered OK before the restart without an execution holding their item',
				);
				// And no sale is lost or runs twice: one successful run per sale passed its item on.
				const ran = (saleId) =>
					summary.filter((e) => e.status === 'success' && e.passedOn === saleId).length;
				assert.deepEqual(
					sales.map((saleId) => [saleId, ran(saleId)]),
					sales.map((saleId) => [saleId, 1]),
					'successful runs that passed the sale on, per sale',
				);
			},
		);
	});
}
