// End-to-end suite for the recovery template (examples/verotel-recovery.json) beside the postback
// workflow it watches (examples/verotel-postbacks.json), both imported as a user imports them
// (only the CRM's and n8n's own address replaced), in a real n8n on every n8n line of the matrix
// (N8N_E2E_VERSIONS=2 narrows it), against the stand-ins of scripts/demo-services.mjs.
//
//   node --test-reporter=spec test/e2e/recovery.e2e.mjs      (part of `npm run test:e2e`)
//
// The template reads and re-runs executions through n8n's public API, so the suite makes an API
// key the way a user does (owner login, Settings → n8n API: scripts/n8n/api-key.mjs) and imports
// it into the template's n8n API credential while n8n runs. A failed run is a CRM outage during a
// postback; a crashed run is a `kill -9` of n8n while the postback's run waits for the CRM, then a
// restart on the same data. The template starts with a Schedule Trigger and a Manual Trigger
// ("Run now"): the suite runs it with `n8n execute --id=<id>`, and checks what it did in the CRM,
// in n8n's executions (through the same public API), in its report items and in its report mail.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';

import {
	FINAL_STATUSES,
	checkWithN8nLog,
	prepareSuite,
	saleIdSource,
	seconds,
	sleep,
	storedItem,
	waitUntil,
} from './check.mjs';
import { publishedUnlessScheduled } from '../../scripts/n8n/fixtures.mjs';

import { createApiKey } from '../../scripts/n8n/api-key.mjs';
import { httpRequest } from '../../scripts/n8n/http.mjs';
import { ensureN8n } from '../../scripts/n8n/install.mjs';
import { startN8n } from '../../scripts/n8n/instance.mjs';
import { freePorts } from '../../scripts/n8n/ports.mjs';
import { startDemoServices } from '../../scripts/demo-services.mjs';
import {
	EXAMPLES,
	exampleCredentials,
	loadExamples,
	n8nApiCredential,
} from '../../scripts/examples.mjs';
import { sendPostback } from '../../scripts/postback.mjs';
import { ownerEnvironment, ownerSession } from '../../scripts/n8n/owner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const flexpay = require(path.join(root, 'index.js'));

/** The shop the tests play: a signature key that appears nowhere else. */
const SHOP = Object.freeze({
	shopId: '654321',
	signatureKey: 'recovery-FlexPay-signature-key-8Qv4',
});
const OWNER = Object.freeze({ email: 'recovery@example.com', password: 'Recovery-e2e-1' });
const { postbacks: WATCHED, recovery: RECOVERY } = EXAMPLES;
const RECORD_PATH = '/crm/sales';
/** The template's report recipient (a placeholder the merchant replaces). */
const REPORT_TO = 'owner@example.com';

const nextSaleId = saleIdSource(7_000_000);

/** A signed purchase postback as Verotel sends it. */
function purchasePostback(saleId, referenceID) {
	const sample = flexpay.buildSamplePostback(
		{ shopId: SHOP.shopId, signatureKey: SHOP.signatureKey },
		{ event: 'purchase', saleID: saleId, referenceID, amount: '9.99', test: false },
	);
	return sample.query;
}

const { matrix, timings } = prepareSuite();
for (const spec of matrix) {
	describe(`recovery template on n8n ${spec.version}`, () => {
		const log = (line) => console.log(`[e2e ${spec.version}] ${line}`);
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `flexpay-recovery-${spec.version}-`));
		let started = Date.now();
		let install;
		let demo;
		let n8n;
		let port;
		let apiKey;
		const check = checkWithN8nLog(log, () => n8n);

		const start = async (first) => {
			const workflows = loadExamples({
				crmBaseUrl: demo.baseUrl,
				n8nBaseUrl: `http://127.0.0.1:${port}`,
			}).filter((w) => [WATCHED.workflowId, RECOVERY.workflowId].includes(w.id));
			const instance = await startN8n({
				install,
				userFolder,
				port,
				env: ownerEnvironment(install, OWNER),
				...(first
					? {
							packageDir: root,
							credentials: exampleCredentials({
								flexpay: { ...SHOP, brand: 'verotel', baseUrl: demo.baseUrl },
								smtp: { host: '127.0.0.1', port: demo.ports.smtp },
							}),
							workflows,
							activate: publishedUnlessScheduled(workflows),
						}
					: {}),
				waitForWebhooks: [WATCHED.webhookPath],
				log: (line) => log(`n8n: ${line}`),
			});
			if (first) {
				// Twice, as two `npm start`s do: the second key replaces the first.
				const replaced = await createApiKey(instance, OWNER);
				// n8n 1.x signs a key from the user and the second it is made (no nonce): two keys of
				// one second are the same text, and the first would still work as the second.
				await sleep(1_100);
				apiKey = await createApiKey(instance, OWNER);
				assert.notEqual(apiKey, replaced);
				const answer = await httpRequest(`${instance.baseUrl}/api/v1/executions?limit=1`, {
					headers: { 'X-N8N-API-KEY': replaced },
				});
				assert.equal(answer.status, 401, 'a key replaced by one of the same label still works');
				await instance.importCredentials([n8nApiCredential({ apiKey, baseUrl: instance.baseUrl })]);
				log('API key made and imported into the n8n API credential');
			}
			return instance;
		};

		/** GET on n8n's public API with the key the template uses. */
		async function api(pathAndQuery) {
			const response = await httpRequest(`${n8n.baseUrl}/api/v1${pathAndQuery}`, {
				headers: { 'X-N8N-API-KEY': apiKey, accept: 'application/json' },
			});
			assert.equal(
				response.status,
				200,
				`GET /api/v1${pathAndQuery}: ${response.body.slice(0, 300)}`,
			);
			return JSON.parse(response.body);
		}

		/** Every run of the watched workflow, as n8n's API lists them (newest first). */
		const watchedRuns = async () =>
			(await api(`/executions?workflowId=${WATCHED.workflowId}&limit=250`)).data;

		/** The finished run of the watched workflow for this sale (its item, stored or from the stack). */
		async function runFor(saleId) {
			return waitUntil(`a finished run of ${WATCHED.workflowId} for sale ${saleId}`, async () => {
				const list = await n8n.executions({ workflowId: WATCHED.workflowId, raw: true });
				return list.find(
					(e) =>
						FINAL_STATUSES.has(e.status) &&
						// n8n 1.x can store the status before the data: an error run is read once its error is.
						(e.status !== 'error' || e.error) &&
						e.mode !== 'retry' &&
						storedItem(e, WATCHED.triggerNode)?.saleID === saleId,
				);
			});
		}

		/** Run the template once ("Run now"); its execution, with the report items. */
		async function recover() {
			const before = new Set(
				(await n8n.executions({ workflowId: RECOVERY.workflowId })).map((e) => e.id),
			);
			const mailsBefore = demo.mails.length;
			const t0 = Date.now();
			await n8n.executeWorkflow(RECOVERY.workflowId);
			const [run] = (await n8n.executions({ workflowId: RECOVERY.workflowId })).filter(
				(e) => !before.has(e.id),
			);
			log(`recovery run ${run?.id} (${run?.status}) in ${seconds(Date.now() - t0)}`);
			assert.equal(run?.status, 'success', JSON.stringify(run?.error));
			const reports = RECOVERY.reportNodes;
			return {
				run,
				rerun: run.nodes[reports.rerun] ?? [],
				notRerun: run.nodes[reports.notRerun] ?? [],
				fulfilled: run.nodes[reports.fulfilled] ?? [],
				/** The report mails of this run (the SMTP sink's, soft line breaks undone). */
				mails: demo.mails
					.slice(mailsBefore)
					.filter((m) => m.to.includes(REPORT_TO))
					.map((m) => ({ subject: m.subject, raw: m.raw.replace(/=\r?\n/g, '') })),
			};
		}

		/**
		 * A paid sale whose order the CRM still has unpaid, and the run of its postback started and
		 * waiting for the CRM (which answers nothing until interceptCrm() is reset). Its execution id.
		 */
		async function runUntilTheCrmWaits(saleId, referenceID) {
			// The buyer paid: Verotel approved the sale; the CRM still has the order unpaid.
			demo.addOrder({
				referenceID,
				sale: { saleID: saleId, saleResult: 'APPROVED', priceAmount: '9.99', priceCurrency: 'EUR' },
			});
			const before = new Set(
				(await n8n.executions({ workflowId: WATCHED.workflowId })).map((e) => e.id),
			);
			demo.interceptCrm((r) =>
				r.path === RECORD_PATH && r.body?.saleID === saleId ? 'hold' : undefined,
			);
			const response = await sendPostback(
				n8n.webhookUrl(WATCHED.webhookPath),
				purchasePostback(saleId, referenceID),
			);
			assert.deepEqual([response.status, response.body], [200, 'OK']);
			await waitUntil(`the run of sale ${saleId} calling the CRM`, async () =>
				demo.crmRequests.some((r) => r.path === RECORD_PATH && r.body?.saleID === saleId),
			);
			const [waiting] = (await n8n.executions({ workflowId: WATCHED.workflowId })).filter(
				(e) => !before.has(e.id),
			);
			return waiting.id;
		}

		/**
		 * A paid sale whose order the CRM still has unpaid, and the run of its postback killed
		 * (`kill -9`) while it waits for the CRM; n8n restarted on the same data. The run as n8n's
		 * crash recovery left it, and whether it kept the postback.
		 */
		async function crashWhileTheCrmWaits(saleId, referenceID) {
			await runUntilTheCrmWaits(saleId, referenceID);
			n8n.killNow();
			await n8n.exited;
			demo.interceptCrm();
			n8n = await start(false);
			const crashed = await runFor(saleId);
			const kept = Boolean(storedItem(crashed, WATCHED.triggerNode));
			log(
				`the killed run ${crashed.id} is ${crashed.status}, ${kept ? 'with' : 'without'} its postback`,
			);
			return { crashed, kept };
		}

		/** The report items of one run of the watched workflow. */
		const about = (list, run) => list.filter((r) => r.executionId === run.id);

		/** What a recovery reported of a run it did not re-run (IDs n8n's Set node left empty as null). */
		const notRerunRows = (recovery, run) =>
			about(recovery.notRerun, run).map(({ action, status, saleID, referenceID, reason }) => ({
				action,
				status,
				saleID: saleID || null,
				referenceID: referenceID || null,
				reason,
			}));

		/** The row expected for such a run of this sale: `reason`, or n8n kept it without its postback. */
		const notRerunRow = ({ status, kept, saleID, referenceID, reason }) => ({
			action: 'not re-run: orders reconciled',
			status,
			saleID: kept ? saleID : null,
			referenceID: kept ? referenceID : null,
			reason: kept ? reason : 'n8n kept the run without its postback',
		});

		before(async () => {
			started = Date.now();
			install = await ensureN8n(spec, { log: (line) => log(`install: ${line}`) });
			demo = await startDemoServices({ flexpay: SHOP });
			[port] = await freePorts(1);
			n8n = await start(true);
			log(`n8n ${n8n.version} up on ${n8n.baseUrl} (${seconds(Date.now() - started)})`);
		});

		after(async () => {
			await n8n?.stop();
			await demo?.stop();
			if (!process.env.N8N_E2E_KEEP_TMP) fs.rmSync(userFolder, { recursive: true, force: true });
			timings.push({ version: spec.version, ms: Date.now() - started });
			log(`done in ${seconds(Date.now() - started)} (n8n stopped)`);
		});

		check(
			'a run that failed on a CRM outage is re-run from where it failed, once; the buyer gets one e-mail',
			async () => {
				const saleId = nextSaleId();
				demo.interceptCrm((r) =>
					r.path === RECORD_PATH && r.body?.saleID === saleId
						? { status: 503, answer: { ok: false, error: 'CRM down for maintenance' } }
						: undefined,
				);
				const query = purchasePostback(saleId, `rec-failed-${saleId}`);
				const response = await sendPostback(n8n.webhookUrl(WATCHED.webhookPath), query);
				assert.deepEqual([response.status, response.body], [200, 'OK']);
				const failed = await runFor(saleId);
				assert.equal(failed.status, 'error', 'the outage must fail the run');
				assert.equal(failed.error?.node, 'Record the sale in the CRM');
				demo.interceptCrm(); // the CRM is back
				// The buyer's mails (the template's report goes to REPORT_TO and names the sale too).
				const mails = () =>
					demo.mails.filter((m) => !m.to.includes(REPORT_TO) && m.raw.includes(saleId));
				assert.equal(mails().length, 1, 'the download link was mailed before the outage');
				const tries = demo.crmRequests.filter(
					(r) => r.path === RECORD_PATH && r.body?.saleID === saleId,
				).length;

				const first = await recover();
				assert.deepEqual(
					first.rerun.map(({ action, executionId, saleID, event, retryStatus }) => ({
						action,
						executionId,
						saleID,
						event,
						retryStatus,
					})),
					[
						{
							action: 're-run',
							executionId: failed.id,
							saleID: saleId,
							event: 'purchase',
							retryStatus: 'success',
						},
					],
				);
				assert.deepEqual(first.notRerun, []);
				assert.deepEqual(
					first.mails.map((m) => m.subject),
					['FlexPay recovery: 1 re-run, 0 fulfilled, 0 not re-run'],
				);
				assert.match(
					first.mails[0].raw,
					new RegExp(`Re-ran run ${failed.id} \\(sale ${saleId}, purchase\\)`),
				);
				const retry = (await watchedRuns()).find((e) => e.retryOf === failed.id);
				assert.ok(retry, 'n8n lists the re-run as a retry of the failed run');
				assert.equal(retry.status, 'success');
				assert.equal(String(retry.id), String(first.rerun[0].retryExecutionId));
				const original = (await watchedRuns()).find((e) => String(e.id) === failed.id);
				assert.equal(String(original.retrySuccessId), String(retry.id));
				const records = demo.crmRequests.filter(
					(r) => r.path === RECORD_PATH && r.body?.saleID === saleId,
				);
				assert.equal(records.length, tries + 1, 'the re-run records the sale once');
				assert.equal(records.at(-1).body.idempotencyKey, records[0].body.idempotencyKey);
				assert.equal(mails().length, 1, 'the re-run starts at the failed node: no second e-mail');

				const second = await recover();
				assert.equal(
					second.rerun.filter((r) => r.saleID === saleId).length,
					0,
					'a run re-run successfully is left alone',
				);
				assert.deepEqual(second.mails, [], 'nothing to report, no mail');
				assert.equal(
					demo.crmRequests.filter((r) => r.path === RECORD_PATH && r.body?.saleID === saleId)
						.length,
					tries + 1,
				);
			},
		);

		check(
			'a run n8n crashed in (kill -9 while it waits for the CRM) is not re-run: its paid order is reconciled, once',
			async () => {
				const saleId = nextSaleId();
				const referenceID = `rec-crashed-${saleId}`;
				const { crashed, kept } = await crashWhileTheCrmWaits(saleId, referenceID);
				assert.equal(crashed.status, 'crashed');

				const first = await recover();
				const order = demo.crm.orders.get(referenceID);
				// n8n's retry of a crashed run ends "success" without running the workflow again (seen on
				// n8n 2.41.1): the template re-runs only failed runs and reconciles crashed ones.
				assert.deepEqual(about(first.rerun, crashed), []);
				assert.deepEqual(notRerunRows(first, crashed), [
					notRerunRow({
						status: 'crashed',
						kept,
						saleID: saleId,
						referenceID,
						reason: 'crashed: a retry by n8n would not run it again',
					}),
				]);
				assert.deepEqual(
					first.fulfilled.filter((f) => f.referenceID === referenceID),
					[{ action: 'fulfilled', referenceID, saleID: saleId }],
				);
				assert.equal(order.status, 'paid');
				assert.deepEqual(
					first.mails.map((m) => m.subject),
					['FlexPay recovery: 0 re-run, 1 fulfilled, 1 not re-run'],
				);
				assert.match(
					first.mails[0].raw,
					new RegExp(`Fulfilled order ${referenceID} \\(sale ${saleId}\\)`),
				);
				assert.match(first.mails[0].raw, new RegExp(`Did not re-run run ${crashed.id} \\(crashed`));
				const fulfil = demo.crmRequests.find((r) => r.path === `/crm/orders/${referenceID}/fulfil`);
				assert.deepEqual(fulfil.body, {
					referenceID,
					saleID: saleId,
					amount: '9.99',
					currency: 'EUR',
					idempotencyKey: `fulfil:${referenceID}:${saleId}`,
				});

				const second = await recover();
				assert.deepEqual(about(second.rerun, crashed), []);
				assert.deepEqual(
					second.fulfilled.filter((f) => f.referenceID === referenceID),
					[],
					'a paid order is not fulfilled again',
				);
				assert.equal(order.fulfilments, 1);
				// Reported once, not every hour of its 7 days: the next run neither names it nor mails.
				assert.deepEqual(notRerunRows(second, crashed), []);
				assert.deepEqual(second.mails, [], 'nothing new to report, no mail');
			},
		);

		check(
			'a run n8n canceled while it waited for the CRM (a stop, or n8n 1.x shutting down) is reconciled: its paid order fulfilled once',
			async () => {
				const saleId = nextSaleId();
				const referenceID = `rec-canceled-${saleId}`;
				const waitingId = await runUntilTheCrmWaits(saleId, referenceID);
				// What n8n's "Stop" does, and n8n 1.x to the runs still going when it shuts down.
				const { headers } = await ownerSession(n8n, OWNER);
				const stop = await httpRequest(`${n8n.baseUrl}/rest/executions/${waitingId}/stop`, {
					method: 'POST',
					headers,
				});
				assert.equal(stop.status, 200, stop.body.slice(0, 200));
				demo.interceptCrm();
				const canceled = await runFor(saleId);
				assert.equal(canceled.status, 'canceled');
				const kept = Boolean(storedItem(canceled, WATCHED.triggerNode));

				const first = await recover();
				assert.deepEqual(about(first.rerun, canceled), []);
				assert.deepEqual(notRerunRows(first, canceled), [
					notRerunRow({
						status: 'canceled',
						kept,
						saleID: saleId,
						referenceID,
						reason: 'canceled: n8n will not finish it',
					}),
				]);
				const order = demo.crm.orders.get(referenceID);
				assert.equal(order.status, 'paid');
				assert.equal(order.fulfilments, 1);
			},
		);

		check(
			'a run n8n left "running" after a crash is taken for stuck once an hour old: its paid order is reconciled',
			async () => {
				const saleId = nextSaleId();
				const referenceID = `rec-stuck-${saleId}`;
				const { crashed, kept } = await crashWhileTheCrmWaits(saleId, referenceID);
				// What n8n leaves when the kill comes before the run's first node (seen in the durable suite).
				await n8n.leaveRunning(crashed.id, { hours: 0 });
				const listed = (await watchedRuns()).find((e) => String(e.id) === crashed.id);
				assert.equal(listed?.status, 'running', "n8n's API lists the run as running");
				const order = demo.crm.orders.get(referenceID);

				// Minutes old, it may still be running (a worker in queue mode): not reported.
				const young = await recover();
				assert.deepEqual(about(young.notRerun, crashed), []);

				await n8n.leaveRunning(crashed.id, { hours: 2 });
				const old = await recover();
				assert.deepEqual(about(old.rerun, crashed), []);
				assert.deepEqual(notRerunRows(old, crashed), [
					notRerunRow({
						status: 'running',
						kept,
						saleID: saleId,
						referenceID,
						reason: 'left running by a crash: n8n will not finish it',
					}),
				]);
				// Any run not re-run reconciles every unpaid order (the earlier crash's report may have).
				assert.deepEqual(
					[...young.fulfilled, ...old.fulfilled].filter((f) => f.referenceID === referenceID),
					[{ action: 'fulfilled', referenceID, saleID: saleId }],
				);
				assert.equal(order.status, 'paid');
				assert.equal(order.fulfilments, 1);
				assert.match(
					old.mails[0]?.raw ?? '',
					new RegExp(`Did not re-run run ${crashed.id} \\(running`),
				);
			},
		);
	});
}
