// What queue.e2e.mjs runs its checks with: the shop, the lean "every postback recorded" workflow,
// signed purchases sent at a given concurrency, and the rig: the stand-ins, the queue-mode
// cluster (cluster.mjs) and one regular-mode n8n with the same pack, credentials and workflows,
// plus what the executions in PostgreSQL say about the postbacks answered OK.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { FINAL_STATUSES, saleIdSource, seconds, storedItem, waitUntil } from '../e2e/check.mjs';
import { executionReader, startCluster } from './cluster.mjs';

import { startN8n } from '../../scripts/n8n/instance.mjs';
import { startDemoServices } from '../../scripts/demo-services.mjs';
import { EXAMPLES, exampleCredentials, loadExamples } from '../../scripts/examples.mjs';
import { publishedUnlessScheduled } from '../../scripts/n8n/fixtures.mjs';
import { sendPostback } from '../../scripts/postback.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
export const flexpay = createRequire(import.meta.url)(path.join(root, 'index.js'));

export const SHOP = Object.freeze({
	shopId: '765432',
	signatureKey: 'queue-FlexPay-signature-key-Hw3',
});
export const RECORDED = Object.freeze({
	workflow: JSON.parse(fs.readFileSync(path.join(here, 'fixtures', 'recorded.json'), 'utf8')),
	workflowId: 'QueueRecorded001',
	triggerNode: 'Verotel FlexPay Trigger',
	webhookPath: '8d0f2b4c-6e8a-4c1d-9f3b-7a9c1e3d5f01/webhook',
});
export const LOAD = Object.freeze({
	count: Number(process.env.QUEUE_LOAD_N || 2000),
	concurrency: 10,
});
export const nextSaleId = saleIdSource(20_000_000);

export const purchase = (saleID = nextSaleId()) =>
	flexpay.buildSamplePostback(SHOP, { event: 'purchase', saleID, test: false });

/** The item without what differs between two deliveries of the same postback. */
export function comparable(item) {
	const { receivedAt: _receivedAt, ...rest } = item;
	// The status stand-in dates its answer when asked.
	if (rest.sale) rest.sale = { ...rest.sale, createdOn: undefined };
	return rest;
}

/** Sends each { url, query } at `concurrency`; resolves with the answers in sending order. */
export async function sendAll(postbacks, concurrency = LOAD.concurrency) {
	const answers = new Array(postbacks.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (let index = next++; index < postbacks.length; index = next++) {
				try {
					answers[index] = await sendPostback(postbacks[index].url, postbacks[index].query);
				} catch (error) {
					answers[index] = { status: 0, body: error.code ?? error.message, ms: 0 };
				}
			}
		}),
	);
	return answers;
}

/** Sends `count` fresh purchases at `concurrency`, spread over `targets` in turn. */
export async function load({ count, concurrency = LOAD.concurrency, targets }) {
	const started = performance.now();
	const postbacks = Array.from({ length: count }, (_, index) => ({ index, saleID: nextSaleId() }));
	const answers = await sendAll(
		postbacks.map(({ index, saleID }) => ({
			url: targets[index % targets.length](),
			query: purchase(saleID).query,
		})),
		concurrency,
	);
	return {
		answers: answers.map((answer, index) => ({
			saleID: postbacks[index].saleID,
			...answer,
			target: index % targets.length,
		})),
		seconds: (performance.now() - started) / 1000,
	};
}

/**
 * The stand-ins, the cluster and a regular-mode n8n of `install` (started by `start()`, which
 * resolves with the rig; `stop()` stops what was started), and what the checks ask of them.
 */
export function queueRig(install, log) {
	const rig = {
		demo: undefined,
		cluster: undefined,
		regular: undefined,
		reader: undefined,

		/** The FlexPay credential the workflows use, for a shop and key. */
		flexpayCredential: (shop) =>
			exampleCredentials({
				flexpay: { ...shop, brand: 'verotel', baseUrl: rig.demo.baseUrl },
				smtp: { host: '127.0.0.1', port: rig.demo.ports.smtp },
			})[0],

		urlOf: (processIndex, webhookPath = RECORDED.webhookPath) =>
			rig.cluster.webhooks[processIndex].webhookUrl(webhookPath),

		/** The trigger item of every stored execution of the lean workflow, by saleID. */
		async recorded() {
			const bySale = new Map();
			for (const execution of await rig.reader.executions(RECORDED.workflowId)) {
				// A crashed execution keeps its item in the stack it would have run.
				const saleID = storedItem(execution, RECORDED.triggerNode)?.saleID;
				if (!bySale.has(saleID)) bySale.set(saleID, []);
				bySale.get(saleID).push({ id: execution.id, status: execution.status });
			}
			return bySale;
		},

		/** The ids of the lean workflow's executions so far (an audit looks at the ones after). */
		async executionIds() {
			return new Set((await rig.reader.executions(RECORDED.workflowId)).map((e) => e.id));
		},

		/** Waits until `count` executions of the lean workflow that are not in `earlier` have ended. */
		async runsEnded(earlier, count, timeoutMs = 60_000) {
			await waitUntil(
				`${count} new execution(s) ended`,
				async () => {
					const ended = (await rig.reader.executions(RECORDED.workflowId)).filter(
						(e) => !earlier.has(e.id) && FINAL_STATUSES.has(e.status),
					);
					return ended.length >= count;
				},
				{ timeoutMs },
			);
		},

		/**
		 * What became of the postbacks answered OK: `missing` are OKs without an execution that holds
		 * their item, `dropped` the new executions that hold no item (n8n's verdict on a job it gave
		 * up on replaces the execution's data with the error), `twice` the OKs with two executions.
		 */
		async audit(answers, earlier, { timeoutMs = 120_000 } = {}) {
			const ok = answers.filter((a) => a.status === 200 && a.body === 'OK').map((a) => a.saleID);
			const fresh = async () =>
				(await rig.reader.executions(RECORDED.workflowId)).filter((e) => !earlier.has(e.id));
			const executions = await waitUntil(
				'an execution per OK, all finished',
				async () => {
					const list = await fresh();
					return list.length >= ok.length && list.every((e) => FINAL_STATUSES.has(e.status))
						? list
						: undefined;
				},
				{ timeoutMs },
			).catch(fresh);
			const bySale = new Map();
			const dropped = [];
			for (const execution of executions) {
				const item = storedItem(execution, RECORDED.triggerNode);
				if (!item) {
					dropped.push({
						id: execution.id,
						status: execution.status,
						error: execution.data?.resultData?.error?.message,
					});
					continue;
				}
				bySale.set(item.saleID, [...(bySale.get(item.saleID) ?? []), execution.status]);
			}
			const missing = ok.filter((saleID) => !bySale.has(saleID));
			const twice = ok.filter((saleID) => bySale.get(saleID)?.length > 1);
			const statuses = {};
			for (const execution of executions)
				statuses[execution.status] = (statuses[execution.status] ?? 0) + 1;
			return { ok: ok.length, executions: executions.length, missing, dropped, twice, statuses };
		},

		async start() {
			const started = Date.now();
			const demo = (rig.demo = await startDemoServices({ flexpay: SHOP }));
			const credentials = exampleCredentials({
				flexpay: { ...SHOP, brand: 'verotel', baseUrl: demo.baseUrl },
				smtp: { host: '127.0.0.1', port: demo.ports.smtp },
			});
			// The same pack, credentials and workflows in the cluster and in one regular-mode n8n.
			const workflows = [...loadExamples({ crmBaseUrl: demo.baseUrl }), RECORDED.workflow];
			const activate = publishedUnlessScheduled(workflows);
			const setup = { install, packageDir: root, credentials, workflows, activate };
			const webhookPaths = [EXAMPLES.postbacks.webhookPath, RECORDED.webhookPath];
			rig.cluster = await startCluster({ ...setup, webhookPaths, log });
			rig.reader = executionReader(install, rig.cluster.postgres);
			rig.regular = await startN8n({
				...setup,
				waitForWebhooks: webhookPaths,
				log: (line) => log(`regular mode: ${line}`),
			});
			log(`cluster and a regular-mode n8n ready in ${seconds(Date.now() - started)}`);
			return rig;
		},

		async stop() {
			await rig.regular?.stop();
			await rig.cluster?.stop();
			await rig.demo?.stop();
		},
	};
	return rig;
}
