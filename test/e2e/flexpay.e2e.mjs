// End-to-end suite: the packed n8n-nodes-verotel-flexpay inside a real n8n, on every n8n line of
// the matrix (scripts/n8n/versions.mjs; N8N_E2E_VERSIONS narrows it, e.g. N8N_E2E_VERSIONS=2).
//
//   npm run test:e2e        (part of `npm test`)
//
// Per n8n version: one n8n (installed once into ~/.cache, then reused) is started with the
// package installed the way n8n's community-package installer does, the example workflows of
// examples/ plus a test-only workflow, and the local stand-ins of scripts/demo-services.mjs (SMTP
// sink, CRM, Verotel's sale-status service). Then real HTTP requests go to n8n's production
// webhooks and the suite checks the answers, the executions n8n saved, the mails the SMTP sink
// received and the requests the CRM got.
//
// Runner: node's built-in test runner (node:test), run directly so progress lines appear as
// they happen.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { FINAL, SETTLE_MS, checkWithN8nLog, prepareSuite, saleIdSource, seconds, sleep } from './check.mjs';

import { ensureN8n } from '../../scripts/n8n/install.mjs';
import { httpRequest } from '../../scripts/n8n/http.mjs';
import { startN8n } from '../../scripts/n8n/instance.mjs';
import { startDemoServices } from '../../scripts/demo-services.mjs';
import { EXAMPLES, exampleCredentials, loadExamples } from '../../scripts/examples.mjs';
import { buildPostback, sendPostback } from '../../scripts/postback.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** The shop the tests play: a signature key that appears nowhere else. */
const SHOP = Object.freeze({ shopId: '654321', signatureKey: 'e2e-FlexPay-signature-key-7Qx9' });
const PACKAGE = 'n8n-nodes-verotel-flexpay';
const ACTION_TYPE = `${PACKAGE}.verotelFlexPay`;
const TRIGGER_TYPE = `${PACKAGE}.verotelFlexPayTrigger`;
const SLOW = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'slow-downstream.json'),
	workflowId: 'E2eSlowDownstrm1',
	webhookPath: '6b8d0f2a-4c6e-4a1b-9d3f-5e7a9c1b3d01/webhook',
});
/** Webhook -> the action node's Postback -> Send Test Postback, as an n8n user tests a trigger. */
const SEND_TEST = Object.freeze({
	file: path.join(root, 'test', 'e2e', 'fixtures', 'send-test-postback.json'),
	webhookPath: 'e2e-send-test-postback',
});

/** A fresh numeric saleID per postback, so every test's sale is its own. */
const nextSaleId = saleIdSource(7_000_000);

/** n8n stores startedAt/stoppedAt as "YYYY-MM-DD HH:MM:SS.mmm" (UTC) in SQLite. */
function parseDbTime(value) {
	if (value === null || value === undefined) return NaN;
	if (typeof value === 'number') return value;
	const text = String(value);
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

const flexpay = require(path.join(root, 'index.js'));

const { matrix, timings } = prepareSuite();

for (const spec of matrix) {
	describe(`n8n ${spec.version}`, () => {
		const log = (line) => console.log(`[e2e ${spec.version}] ${line}`);
		/** @type {Awaited<ReturnType<typeof startN8n>>} */
		let n8n;
		/** @type {Awaited<ReturnType<typeof startDemoServices>>} */
		let demo;
		let started = Date.now(); // reset when this version's suite begins
		let purchase; // { saleId, query, execution, item }
		let install; // the n8n installation, kept for the restart test
		// A folder of our own (not a temp one that stop() removes), so n8n can be restarted on the same data.
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `flexpay-e2e-${spec.version}-`));

		/** A test; on failure it also prints the tail of n8n's log. */
		const check = checkWithN8nLog(log, () => n8n);

		const postbacksUrl = () => n8n.webhookUrl(EXAMPLES.postbacks.webhookPath);
		const postback = (options) => buildPostback({ shopId: SHOP.shopId, key: SHOP.signatureKey, ...options });

		/**
		 * The finished execution of `workflowId` whose trigger item is for `saleId`. Polls: n8n answers
		 * the webhook before it runs the workflow, and may mark an execution finished a moment before
		 * its run data is readable.
		 */
		async function executionForSale(workflowId, saleId, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const list = await n8n.executions({ workflowId });
				const execution = list.find((e) => FINAL.has(e.status) && triggerItem(e)?.saleID === saleId);
				if (execution) return execution;
				if (Date.now() > deadline) {
					throw new Error(
						`no finished execution of ${workflowId} for sale ${saleId} after ${timeoutMs / 1000} s; have: ` +
							JSON.stringify(list.map((e) => ({ id: e.id, status: e.status, sale: triggerItem(e)?.saleID }))),
					);
				}
				await sleep(250);
			}
		}

		/** The first item the trigger node emitted in an execution. */
		const triggerItem = (execution, node = EXAMPLES.postbacks.triggerNode) => execution.nodes[node]?.[0];

		before(async () => {
			started = Date.now();
			const t0 = Date.now();
			install = await ensureN8n(spec, { log: (line) => log(`install: ${line}`) });
			log(`n8n ${install.version} ready on Node ${install.nodeVersion} (${seconds(Date.now() - t0)})`);
			demo = await startDemoServices({ flexpay: SHOP });
			log(`demo services: SMTP 127.0.0.1:${demo.ports.smtp}, CRM + sale status ${demo.baseUrl}`);
			const workflows = [
				...loadExamples({ crmBaseUrl: demo.baseUrl }),
				JSON.parse(fs.readFileSync(SLOW.file, 'utf8')),
				JSON.parse(fs.readFileSync(SEND_TEST.file, 'utf8')),
			];
			n8n = await startN8n({
				install,
				userFolder,
				packageDir: root,
				credentials: exampleCredentials({
					flexpay: { ...SHOP, brand: 'verotel', baseUrl: demo.baseUrl },
					smtp: { host: '127.0.0.1', port: demo.ports.smtp },
				}),
				workflows,
				waitForWebhooks: [
					EXAMPLES.postbacks.webhookPath,
					{ path: EXAMPLES.postbacks.webhookPath, method: 'POST' },
					{ path: EXAMPLES.order.webhookPath, method: 'POST' },
					SLOW.webhookPath,
					{ path: SEND_TEST.webhookPath, method: 'POST' },
				],
				log: (line) => log(`n8n: ${line}`),
			});
			log(`n8n ${n8n.version} up on ${n8n.baseUrl} with ${workflows.length} active workflows (${seconds(Date.now() - t0)} since start)`);
		});

		after(async () => {
			await n8n?.stop();
			await demo?.stop();
			if (!process.env.N8N_E2E_KEEP_TMP) fs.rmSync(userFolder, { recursive: true, force: true });
			timings.push({ version: spec.version, ms: Date.now() - started });
			log(`done in ${seconds(Date.now() - started)} (n8n stopped)`);
		});

		check('n8n lists the Verotel FlexPay nodes and credential', async () => {
			const types = await n8n.listNodeTypes();
			const names = new Set(types.map((type) => type.name));
			assert.ok(names.has(ACTION_TYPE), `${ACTION_TYPE} is not among the ${types.length} node types n8n loaded`);
			assert.ok(names.has(TRIGGER_TYPE), `${TRIGGER_TYPE} is not among the ${types.length} node types n8n loaded`);
			const trigger = types.find((type) => type.name === TRIGGER_TYPE);
			assert.equal(trigger.displayName, 'Verotel FlexPay Trigger');
			const credentials = await n8n.listCredentialTypes();
			assert.ok(credentials.some((type) => type.name === 'verotelFlexPayApi'), 'credential type verotelFlexPayApi not loaded');
			assert.equal(n8n.communityPackage?.name, PACKAGE);
		});

		check('a signed purchase postback gets HTTP 200 "OK" and exactly one successful run with the expected item', async () => {
			const saleId = nextSaleId();
			const query = postback({ event: 'purchase', saleId, transactionId: `9${saleId}`, referenceId: `order-${saleId}`, amount: '19.90', custom1: 'user-42' });
			const response = await sendPostback(postbacksUrl(), query);
			assert.equal(response.status, 200, `body: ${response.body}`);
			assert.equal(response.body, 'OK');

			await executionForSale(EXAMPLES.postbacks.workflowId, saleId);
			await sleep(SETTLE_MS); // a wrong second run would have shown up by now
			const executions = await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId });
			assert.equal(executions.length, 1, `executions: ${JSON.stringify(executions.map(({ id, status }) => ({ id, status })))}`);
			const [execution] = executions;
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			assert.equal(execution.mode, 'webhook');

			const item = triggerItem(execution);
			assert.ok(item, `no item from the trigger: ${JSON.stringify(execution.nodes)}`);
			assert.equal(item.event, 'purchase');
			assert.equal(item.type, 'purchase');
			assert.equal(item.saleID, saleId);
			assert.equal(item.transactionID, `9${saleId}`);
			assert.equal(item.referenceID, `order-${saleId}`);
			assert.equal(item.shopID, SHOP.shopId);
			assert.equal(item.amount, 19.9);
			assert.equal(item.amountString, '19.90');
			assert.equal(item.currency, 'EUR');
			assert.equal(item.paymentMethod, 'CC');
			assert.equal(item.custom1, 'user-42');
			assert.deepEqual(item.access, { action: 'grant', saleID: saleId });
			// A purchase runs at most once per sale, whatever else its parameters carry.
			assert.equal(item.idempotencyKey, `${SHOP.shopId}:${saleId}:purchase`);
			assert.equal(item.signatureAlgorithm, 'sha256');
			assert.equal(item.httpMethod, 'GET');
			assert.ok(!Number.isNaN(Date.parse(item.receivedAt)), `receivedAt: ${item.receivedAt}`);
			assert.equal(item.params.saleID, saleId);
			assert.equal(item.params.signature, undefined, 'the signature must not be in params');
			assert.ok(!JSON.stringify(execution).includes(SHOP.signatureKey), 'the signature key leaked into the execution data');
			purchase = { saleId, query, execution, item };
		});

		check("the status lookup enriches the item with the buyer's e-mail from the local status service", async () => {
			assert.ok(purchase, 'needs the purchase test');
			const { item, saleId } = purchase;
			assert.deepEqual(item.saleLookup, { ok: true, response: 'FOUND', httpStatus: 200 });
			assert.equal(item.sale.email, `buyer-${saleId}@example.com`);
			assert.equal(item.sale.saleID, saleId);
			assert.equal(item.sale.saleResult, 'APPROVED');
			assert.equal(item.sale.billingAddress?.fullName, 'Demo Buyer');
			const requests = demo.statusRequests.filter((r) => new URLSearchParams(r.query).get('saleID') === saleId);
			assert.equal(requests.length, 1, `status requests: ${JSON.stringify(demo.statusRequests)}`);
			const sent = Object.fromEntries(new URLSearchParams(requests[0].query));
			assert.equal(sent.shopID, SHOP.shopId);
			const { signature, ...signed } = sent;
			assert.equal(signature, flexpay.signRequest(SHOP.signatureKey, signed), 'status request signature');
		});

		check('the Send Email node mails the download link to that buyer through SMTP', async () => {
			assert.ok(purchase, 'needs the purchase test');
			const { saleId, execution } = purchase;
			const buyer = `buyer-${saleId}@example.com`;
			const mails = demo.mails.filter((mail) => mail.to.includes(buyer));
			assert.equal(mails.length, 1, `mails: ${JSON.stringify(demo.mails.map(({ to, subject }) => ({ to, subject })))}`);
			const [mail] = mails;
			assert.deepEqual(mail.to, [buyer]);
			assert.equal(mail.from, 'shop@example.com');
			assert.equal(mail.subject, `Your download for order order-${saleId}`);
			assert.match(mail.raw, new RegExp(`https://shop\\.example\\.com/download\\?order=order-${saleId}&sale=${saleId}`));
			assert.match(mail.raw, /Hello Demo Buyer,/);
			assert.match(mail.raw, /19\.90 EUR/);
			assert.deepEqual(execution.nodes['E-mail the download link']?.[0]?.accepted, [buyer]);
		});

		check('the HTTP Request node records the sale in the CRM', async () => {
			assert.ok(purchase, 'needs the purchase test');
			const { saleId, item } = purchase;
			const records = demo.crmRequests.filter((r) => r.path === '/crm/sales' && r.body?.saleID === saleId);
			assert.equal(records.length, 1, `CRM requests: ${JSON.stringify(demo.crmRequests)}`);
			const [record] = records;
			assert.equal(record.method, 'POST');
			assert.deepEqual(record.body, {
				saleID: saleId,
				transactionID: `9${saleId}`,
				referenceID: `order-${saleId}`,
				email: `buyer-${saleId}@example.com`,
				amount: '19.90',
				currency: 'EUR',
				custom1: 'user-42',
				status: 'paid',
				downloadLinkSent: true,
				idempotencyKey: item.idempotencyKey,
				receivedAt: item.receivedAt,
			});
		});

		check('a repeated postback is answered "OK" and starts no second run (Ignore Repeated Postbacks on)', async () => {
			assert.ok(purchase, 'needs the purchase test');
			const before = (await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length;
			for (let i = 0; i < 2; i++) {
				const response = await sendPostback(postbacksUrl(), purchase.query);
				assert.equal(response.status, 200);
				assert.equal(response.body, 'OK');
			}
			await sleep(SETTLE_MS);
			const executions = await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId });
			assert.equal(executions.length, before, 'a repeat started a run');
			const buyer = `buyer-${purchase.saleId}@example.com`;
			assert.equal(demo.mails.filter((mail) => mail.to.includes(buyer)).length, 1, 'the buyer got a second mail');
		});

		check('tampered signature, missing signature, wrong shop and malformed query get 401/401/403/400 and start nothing', async () => {
			const before = await n8n.executions();
			const statusBefore = demo.statusRequests.length;
			const mailsBefore = demo.mails.length;

			const tampered = await sendPostback(postbacksUrl(), postback({ saleId: nextSaleId(), tamper: true }));
			assert.equal(tampered.status, 401, `tampered: ${tampered.body}`);
			assert.equal(tampered.body, 'Unauthorized');

			const unsigned = postback({ saleId: nextSaleId() }).replace(/&?signature=[0-9a-f]+/, '');
			const missing = await sendPostback(postbacksUrl(), unsigned);
			assert.equal(missing.status, 401, `unsigned: ${missing.body}`);

			// Correctly signed, with the right key, but for another website.
			const otherShop = await sendPostback(postbacksUrl(), postback({ saleId: nextSaleId(), shopId: '999999' }));
			assert.equal(otherShop.status, 403, `wrong shop: ${otherShop.body}`);
			assert.equal(otherShop.body, 'Forbidden');

			// A parameter sent twice: the signature cannot say which value was meant.
			const malformed = await sendPostback(postbacksUrl(), `${postback({ saleId: nextSaleId() })}&saleID=1`);
			assert.equal(malformed.status, 400, `malformed: ${malformed.body}`);
			assert.match(malformed.body, /^Bad Request/);
			const brokenEscape = await sendPostback(postbacksUrl(), `${postback({ saleId: nextSaleId() })}&custom1=%zz`);
			assert.equal(brokenEscape.status, 400, `broken escape: ${brokenEscape.body}`);

			await sleep(SETTLE_MS);
			const afterwards = await n8n.executions();
			assert.deepEqual(
				afterwards.map((e) => e.id),
				before.map((e) => e.id),
				'a refused postback started an execution',
			);
			assert.equal(demo.statusRequests.length, statusBefore, 'a refused postback caused a status lookup');
			assert.equal(demo.mails.length, mailsBefore, 'a refused postback caused a mail');
		});

		check('a valid postback for an event the workflow does not select is answered "OK" without a run', async () => {
			const before = (await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length;
			const response = await sendPostback(postbacksUrl(), postback({ event: 'rebill', saleId: nextSaleId() }));
			assert.equal(response.status, 200);
			assert.equal(response.body, 'OK');
			await sleep(SETTLE_MS);
			assert.equal((await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length, before);
		});

		for (const [event, status] of [
			['credit', 'refunded'],
			['chargeback', 'charged back'],
		]) {
			check(`a ${event} postback runs with event "${event}", revokes access and updates the sale in the CRM`, async () => {
				const before = (await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length;
				const saleId = nextSaleId();
				const query = postback({ event, saleId });
				const response = await sendPostback(postbacksUrl(), query);
				assert.equal(response.status, 200, response.body);
				assert.equal(response.body, 'OK');
				const execution = await executionForSale(EXAMPLES.postbacks.workflowId, saleId);
				assert.equal((await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length, before + 1);
				assert.equal(execution.status, 'success', JSON.stringify(execution.error));
				const item = triggerItem(execution);
				assert.equal(item.event, event);
				assert.equal(item.type, 'purchase');
				assert.ok(item.parentID, 'refunds and chargebacks carry parentID');
				assert.deepEqual(item.access, { action: 'revoke', saleID: saleId });
				// Other events: the sale, the event and a fingerprint of every signed parameter.
				assert.equal(item.idempotencyKey, flexpay.parsePostback(query, SHOP).idempotencyKey);
				assert.match(item.idempotencyKey, new RegExp(`^${SHOP.shopId}:${saleId}:${event}:[0-9a-f]{20}$`));
				assert.equal(execution.nodes['E-mail the download link'], undefined, 'a refund must not mail a download link');
				const revoke = demo.crmRequests.filter((r) => r.path === '/crm/access/revoke' && r.body?.saleID === saleId);
				assert.equal(revoke.length, 1, `CRM requests: ${JSON.stringify(demo.crmRequests.slice(-4))}`);
				assert.equal(revoke[0].method, 'POST');
				assert.equal(revoke[0].body.reason, event);
				const update = demo.crmRequests.filter((r) => r.path === `/crm/sales/${saleId}`);
				assert.equal(update.length, 1);
				assert.equal(update[0].method, 'PATCH');
				assert.equal(update[0].body.status, status);
				assert.equal(update[0].body.parentID, item.parentID);
				assert.equal(update[0].body.email, `buyer-${saleId}@example.com`);
			});
		}

		check('a workflow whose downstream takes 5 s still gets its "OK" in well under a second', async () => {
			const before = (await n8n.executions({ workflowId: SLOW.workflowId })).length;
			const saleId = nextSaleId();
			const response = await sendPostback(n8n.webhookUrl(SLOW.webhookPath), postback({ saleId }));
			assert.equal(response.status, 200, response.body);
			assert.equal(response.body, 'OK');
			log(`"OK" answered after ${response.ms.toFixed(0)} ms while the workflow waits 5 s`);
			assert.ok(response.ms < 1000, `the OK took ${response.ms.toFixed(0)} ms`);
			const execution = await executionForSale(SLOW.workflowId, saleId);
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			assert.equal((await n8n.executions({ workflowId: SLOW.workflowId })).length, before + 1);
			const ran = parseDbTime(execution.stoppedAt) - parseDbTime(execution.startedAt);
			assert.ok(ran >= 4_900, `the workflow ran ${ran} ms, expected the 5 s Wait`);
			log(`the workflow itself ran ${seconds(ran)}`);
		});

		check("the action node's purchase URL (Webhook -> Create Purchase URL -> Respond) verifies", async () => {
			const order = { orderId: `order-e2e-${nextSaleId()}`, amount: 9.9, currency: 'USD', description: 'HD video: "Sunset" (4K)', email: 'buyer@example.com' };
			const response = await httpRequest(n8n.webhookUrl(EXAMPLES.order.webhookPath), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(order),
			});
			assert.equal(response.status, 200, response.body);
			const body = JSON.parse(response.body);
			const url = new URL(body.purchaseUrl);
			assert.equal(`${url.origin}${url.pathname}`, `${demo.baseUrl}/startorder`);
			const params = Object.fromEntries(url.searchParams);
			assert.equal(params.shopID, SHOP.shopId);
			assert.equal(params.type, 'purchase');
			assert.equal(params.version, '4');
			assert.equal(params.priceAmount, '9.90');
			assert.equal(params.priceCurrency, 'USD');
			assert.equal(params.description, order.description);
			assert.equal(params.referenceID, order.orderId);
			assert.equal(params.email, order.email);
			assert.equal(params.successURL, 'https://shop.example.com/thank-you');
			const { signature, ...rest } = params;
			assert.match(signature, /^[0-9a-f]{64}$/);
			assert.equal(signature, flexpay.signRequest(SHOP.signatureKey, rest), 'purchase URL signature');
			assert.equal(body.referenceID, order.orderId);
			assert.ok(!response.body.includes(SHOP.signatureKey));
			// The demo order page (what `npm start` links to) accepts it as well.
			const page = await httpRequest(body.purchaseUrl);
			assert.equal(page.status, 200);
			assert.match(page.body, /Signature valid/);
			const executions = await n8n.waitForExecutions({ workflowId: EXAMPLES.order.workflowId, count: 1 });
			assert.equal(executions[executions.length - 1].status, 'success');
		});

		check('Postback -> Send Test Postback signs a postback with the credential; the trigger answers OK and runs it', async () => {
			const saleId = nextSaleId();
			const response = await httpRequest(n8n.webhookUrl(SEND_TEST.webhookPath), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ url: postbacksUrl(), event: 'purchase', saleID: saleId }),
				timeoutMs: 30_000,
			});
			assert.equal(response.status, 200, response.body);
			const sent = JSON.parse(response.body);
			assert.equal(sent.ok, true, response.body);
			assert.equal(sent.statusCode, 200);
			assert.equal(sent.body, 'OK');
			assert.equal(sent.saleID, saleId);
			assert.ok(!response.body.includes(SHOP.signatureKey), 'the signature key must not be in the output');
			const execution = await executionForSale(EXAMPLES.postbacks.workflowId, saleId);
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			assert.equal(triggerItem(execution).idempotencyKey, `${SHOP.shopId}:${saleId}:purchase`);
		});

		check('an invalid order is answered 400 with the reason, through the action node\'s error output', async () => {
			const response = await httpRequest(n8n.webhookUrl(EXAMPLES.order.webhookPath), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ orderId: 'order-bad', amount: '9.999', description: 'HD video' }),
			});
			assert.equal(response.status, 400, response.body);
			const body = JSON.parse(response.body);
			assert.match(body.error, /9\.999/);
			assert.equal(body.purchaseUrl, undefined);
		});

		check('n8n restarted between two postbacks loses nothing that was answered "OK"', async () => {
			assert.ok(purchase, 'needs the purchase test');
			const workflowId = EXAMPLES.postbacks.workflowId;
			// One more sale just before the restart: the repeat store must keep every sale, not only
			// the first (n8n 2.x saves the store only from the run; see rememberRun in the trigger).
			const lastSaleId = nextSaleId();
			const last = postback({ event: 'purchase', saleId: lastSaleId, transactionId: `9${lastSaleId}` });
			assert.equal((await sendPostback(postbacksUrl(), last)).body, 'OK');
			await executionForSale(workflowId, lastSaleId);
			await sleep(SETTLE_MS);
			const before = await n8n.executions({ workflowId });
			await n8n.stop();
			// The same data, no re-import: what a production n8n does when it restarts.
			n8n = await startN8n({
				install,
				userFolder,
				waitForWebhooks: [EXAMPLES.postbacks.webhookPath],
				log: (line) => log(`n8n after restart: ${line}`),
			});
			const kept = await n8n.executions({ workflowId });
			assert.deepEqual(
				kept.map(({ id, status }) => ({ id, status })),
				before.map(({ id, status }) => ({ id, status })),
				'the executions of postbacks answered before the restart are all still there',
			);
			// The repeat store survived the restart: a redelivery of the first and of the last
			// purchase starts nothing.
			for (const query of [purchase.query, last]) {
				const again = await sendPostback(postbacksUrl(), query);
				assert.deepEqual([again.status, again.body], [200, 'OK']);
			}
			// A new postback after the restart runs exactly once.
			const saleId = nextSaleId();
			const fresh = await sendPostback(postbacksUrl(), postback({ event: 'purchase', saleId, transactionId: `9${saleId}` }));
			assert.equal(fresh.status, 200, fresh.body);
			assert.equal(fresh.body, 'OK');
			await executionForSale(workflowId, saleId);
			await sleep(SETTLE_MS);
			const now = await n8n.executions({ workflowId });
			assert.equal(now.length, before.length + 1, `executions: ${JSON.stringify(now.map(({ id, status }) => ({ id, status })))}`);
		});
	});
}
