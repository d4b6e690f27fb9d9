// What the flexpay suites share (postbacks.e2e.mjs: the trigger; action.e2e.mjs: the action
// node): the packed n8n-nodes-verotel-flexpay inside a real n8n, on every n8n line of the matrix
// (scripts/n8n/versions.mjs; N8N_E2E_VERSIONS narrows it, e.g. N8N_E2E_VERSIONS=2).
//
// Per n8n version: one n8n (installed once into ~/.cache, then reused) is started with the
// package installed the way n8n's community-package installer does, the example workflows of
// examples/ plus the test-only workflows, and the local stand-ins of scripts/demo-services.mjs
// (SMTP sink, CRM, Verotel's sale-status service). Then real HTTP requests go to n8n's production
// webhooks and the suites check the answers, the executions n8n saved, the mails the SMTP sink
// received and the requests the CRM got.
//
// Each suite starts its own n8n: node's test runner runs every file in a process of its own, and
// Node 20's runner has no setup shared between files. Same workflows and webhooks in both, so a
// check behaves as it did when all were one suite.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';

import {
	checkWithN8nLog,
	hasEnded,
	prepareSuite,
	saleIdSource,
	seconds,
	waitUntil,
} from './check.mjs';
import { publishedUnlessScheduled } from '../../scripts/n8n/fixtures.mjs';

import { ensureN8n } from '../../scripts/n8n/install.mjs';
import { startN8n } from '../../scripts/n8n/instance.mjs';
import { ownerEnvironment } from '../../scripts/n8n/owner.mjs';
import { startDemoServices } from '../../scripts/demo-services.mjs';
import { EXAMPLES, exampleCredentials, loadExamples } from '../../scripts/examples.mjs';
import { buildPostback } from '../../scripts/postback.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** The protocol core of the built package: what the checks verify signatures with. */
export const flexpay = require(path.join(root, 'index.js'));

/** The shop the tests play: a signature key that appears nowhere else. */
export const SHOP = Object.freeze({
	shopId: '654321',
	signatureKey: 'e2e-FlexPay-signature-key-7Qx9',
});
/** The n8n owner, for what needs a login (a test run of the editor's "Execute workflow"). */
export const OWNER = Object.freeze({ email: 'postbacks@example.com', password: 'Postbacks-e2e-1' });
export const SLOW = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'slow-downstream.json'),
	workflowId: 'E2eSlowDownstrm1',
	webhookPath: '6b8d0f2a-4c6e-4a1b-9d3f-5e7a9c1b3d01/webhook',
});
/** The trigger alone, every event selected: a sale's history of events, and its repeats. */
export const HISTORY = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'sale-history.json'),
	workflowId: 'E2eSaleHistory01',
	webhookPath: '9e1a3c5d-7f9b-4d2e-8a4c-6e8a0c2e4f01/webhook',
});
/** A version 2 trigger (sale details by default; runs test postbacks) -> Send Email to the sale's buyer. */
export const SAMPLE_MAIL = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'sample-sale-mail.json'),
	workflowId: 'E2eSampleSaleMl1',
	triggerNode: 'Verotel FlexPay Trigger',
	webhookPath: '2b4d6f8a-0c2e-4a6b-8d0f-7a9c1e3b5d01/webhook',
});
/**
 * Trigger with "Grant Access Only When Confirmed" (and "Answer OK" when the workflow starts, so the
 * OK leaves after the verdict) -> Switch on access.action -> "Grant access" for grants only.
 */
export const CONFIRMED = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'confirmed-access.json'),
	workflowId: 'E2eConfirmedAcc1',
	webhookPath: '8d2f4b6a-3e5c-4b7d-9f1a-2c4e6a8b0d01/webhook',
	grantNode: 'Grant access',
});
/** Webhook -> the action node's Postback -> Send Test Postback, as an n8n user tests a trigger. */
export const SEND_TEST = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'send-test-postback.json'),
	webhookPath: 'e2e-send-test-postback',
});

/** A fresh numeric saleID per postback, so every test's sale is its own. */
export const nextSaleId = saleIdSource(7_000_000);

/**
 * One `describe` per n8n version of the matrix, each with its own n8n and stand-ins (started
 * before its first check, stopped after its last); `register(suite)` adds the checks.
 */
export function flexpaySuite(register) {
	const { matrix, timings } = prepareSuite();
	for (const spec of matrix) {
		describe(`n8n ${spec.version}`, () => register(flexpayN8n(spec, timings)));
	}
}

function flexpayN8n(spec, timings) {
	const log = (line) => console.log(`[e2e ${spec.version}] ${line}`);
	let started = Date.now(); // reset when this version's suite begins
	let install; // the n8n installation, kept for a restart
	// A folder of our own (not a temp one that stop() removes), so n8n can be restarted on the same data.
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `flexpay-e2e-${spec.version}-`));

	/** The first item the trigger node emitted in an execution. */
	const triggerItem = (execution, node = EXAMPLES.postbacks.triggerNode) =>
		execution.nodes[node]?.[0];

	const suite = {
		log,
		/** @type {Awaited<ReturnType<typeof startN8n>>} the n8n running now (a new one after startAgain()) */
		n8n: undefined,
		/** @type {Awaited<ReturnType<typeof startDemoServices>>} */
		demo: undefined,
		/** A test; on failure it also prints the tail of n8n's log. */
		check: checkWithN8nLog(log, () => suite.n8n),
		postbacksUrl: () => suite.n8n.webhookUrl(EXAMPLES.postbacks.webhookPath),
		/** A postback as Verotel sends it (no test marker), unless `options` say otherwise. */
		postback: (options) =>
			buildPostback({ shopId: SHOP.shopId, key: SHOP.signatureKey, asVerotel: true, ...options }),
		triggerItem,
		/** Whether an execution ended at the trigger with nothing passed on (a repeat). */
		stoppedAtTrigger: (execution, node = EXAMPLES.postbacks.triggerNode) =>
			execution.status === 'success' &&
			Array.isArray(execution.nodes[node]) &&
			execution.nodes[node].length === 0 &&
			Object.keys(execution.nodes).length === 1,

		/**
		 * The finished execution of `workflowId` whose trigger item is for `saleId`. Polls: n8n answers
		 * the webhook before it runs the workflow, and may mark an execution finished a moment before
		 * its run data is readable.
		 */
		async executionForSale(workflowId, saleId, timeoutMs = 60_000) {
			let list = [];
			return waitUntil(
				`a finished execution of ${workflowId} for sale ${saleId}`,
				async () => {
					list = await suite.n8n.executions({ workflowId });
					return list.find((e) => hasEnded(e) && triggerItem(e)?.saleID === saleId);
				},
				{
					timeoutMs,
					error: (message) =>
						new Error(
							`${message}; have: ${JSON.stringify(list.map((e) => ({ id: e.id, status: e.status, sale: triggerItem(e)?.saleID })))}`,
						),
				},
			);
		},

		/** A new n8n on the stopped one's data (no re-import), serving the postbacks webhook. */
		async startAgain() {
			suite.n8n = await startN8n({
				install,
				userFolder,
				env: ownerEnvironment(install, OWNER),
				waitForWebhooks: [EXAMPLES.postbacks.webhookPath],
				log: (line) => log(`n8n after restart: ${line}`),
			});
			return suite.n8n;
		},
	};

	before(async () => {
		started = Date.now();
		const t0 = Date.now();
		install = await ensureN8n(spec, { log: (line) => log(`install: ${line}`) });
		log(
			`n8n ${install.version} ready on Node ${install.nodeVersion} (${seconds(Date.now() - t0)})`,
		);
		const demo = (suite.demo = await startDemoServices({ flexpay: SHOP }));
		log(`demo services: SMTP 127.0.0.1:${demo.ports.smtp}, CRM + sale status ${demo.baseUrl}`);
		const workflows = [
			...loadExamples({ crmBaseUrl: demo.baseUrl }),
			JSON.parse(fs.readFileSync(SLOW.file, 'utf8')),
			JSON.parse(fs.readFileSync(HISTORY.file, 'utf8')),
			JSON.parse(fs.readFileSync(SAMPLE_MAIL.file, 'utf8')),
			JSON.parse(fs.readFileSync(CONFIRMED.file, 'utf8')),
			JSON.parse(fs.readFileSync(SEND_TEST.file, 'utf8')),
		];
		const n8n = (suite.n8n = await startN8n({
			install,
			userFolder,
			env: ownerEnvironment(install, OWNER),
			packageDir: root,
			credentials: exampleCredentials({
				flexpay: { ...SHOP, brand: 'verotel', baseUrl: demo.baseUrl },
				smtp: { host: '127.0.0.1', port: demo.ports.smtp },
			}),
			workflows,
			activate: publishedUnlessScheduled(workflows),
			waitForWebhooks: [
				EXAMPLES.postbacks.webhookPath,
				{ path: EXAMPLES.postbacks.webhookPath, method: 'POST' },
				{ path: EXAMPLES.order.webhookPath, method: 'POST' },
				SLOW.webhookPath,
				HISTORY.webhookPath,
				SAMPLE_MAIL.webhookPath,
				CONFIRMED.webhookPath,
				{ path: SEND_TEST.webhookPath, method: 'POST' },
			],
			log: (line) => log(`n8n: ${line}`),
		}));
		log(
			`n8n ${n8n.version} up on ${n8n.baseUrl} with ${workflows.length} active workflows (${seconds(Date.now() - t0)} since start)`,
		);
	});

	after(async () => {
		await suite.n8n?.stop();
		await suite.demo?.stop();
		if (!process.env.N8N_E2E_KEEP_TMP) fs.rmSync(userFolder, { recursive: true, force: true });
		timings.push({ version: spec.version, ms: Date.now() - started });
		log(`done in ${seconds(Date.now() - started)} (n8n stopped)`);
	});

	return suite;
}
