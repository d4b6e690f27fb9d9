// End-to-end suite of the Verotel FlexPay Trigger in a real n8n, on every n8n line of the matrix
// (one n8n per line, set up by flexpay-setup.mjs): a signed purchase postback to the example
// workflow and what its run did (status look-up, mail, CRM), a test run ("Execute workflow") that
// mails a test postback's sample sale, repeats and a sale's history, the checks of
// postback-events.mjs, and last a restart on the same data.
//
//   node --test-reporter=spec test/e2e/postbacks.e2e.mjs      (part of `npm run test:e2e`)

import assert from 'node:assert/strict';

import { SETTLE_MS, sleep } from './check.mjs';
import {
	HISTORY,
	OWNER,
	SAMPLE_MAIL,
	SHOP,
	flexpay,
	flexpaySuite,
	nextSaleId,
} from './flexpay-setup.mjs';
import { postbackEventChecks } from './postback-events.mjs';

import { EXAMPLES } from '../../scripts/examples.mjs';
import { ownerSession } from '../../scripts/n8n/owner.mjs';
import { listenForTestEvent } from '../../scripts/n8n/test-run.mjs';
import { sendPostback } from '../../scripts/postback.mjs';

const PACKAGE = 'n8n-nodes-verotel-flexpay';
const ACTION_TYPE = `${PACKAGE}.verotelFlexPay`;
const TRIGGER_TYPE = `${PACKAGE}.verotelFlexPayTrigger`;

flexpaySuite((suite) => {
	const { check, postback, postbacksUrl, executionForSale, triggerItem, stoppedAtTrigger } = suite;
	let purchase; // { saleId, query, execution, item }

	check('n8n lists the Verotel FlexPay nodes and credential', async () => {
		const { n8n } = suite;
		const types = await n8n.listNodeTypes();
		const names = new Set(types.map((type) => type.name));
		assert.ok(
			names.has(ACTION_TYPE),
			`${ACTION_TYPE} is not among the ${types.length} node types n8n loaded`,
		);
		assert.ok(
			names.has(TRIGGER_TYPE),
			`${TRIGGER_TYPE} is not among the ${types.length} node types n8n loaded`,
		);
		const trigger = types.find((type) => type.name === TRIGGER_TYPE);
		assert.equal(trigger.displayName, 'Verotel FlexPay Trigger');
		const credentials = await n8n.listCredentialTypes();
		assert.ok(
			credentials.some((type) => type.name === 'verotelFlexPayApi'),
			'credential type verotelFlexPayApi not loaded',
		);
		assert.equal(n8n.communityPackage?.name, PACKAGE);
	});

	check(
		'a signed purchase postback gets HTTP 200 "OK" and exactly one successful run with the expected item',
		async () => {
			const { n8n } = suite;
			const saleId = nextSaleId();
			// Verotel's status service (the stand-in) knows the sale at the price the postback names.
			suite.demo.setSale(saleId, { priceAmount: '19.90', priceCurrency: 'EUR' });
			const query = postback({
				event: 'purchase',
				saleId,
				transactionId: `9${saleId}`,
				referenceId: `order-${saleId}`,
				amount: '19.90',
				custom1: 'user-42',
			});
			const response = await sendPostback(postbacksUrl(), query);
			assert.equal(response.status, 200, `body: ${response.body}`);
			assert.equal(response.body, 'OK');

			await executionForSale(EXAMPLES.postbacks.workflowId, saleId);
			await sleep(SETTLE_MS); // a wrong second run would have shown up by now
			const executions = await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId });
			assert.equal(
				executions.length,
				1,
				`executions: ${JSON.stringify(executions.map(({ id, status }) => ({ id, status })))}`,
			);
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
			assert.deepEqual(item.access, { action: 'grant', untilSource: 'oneOff', saleID: saleId });
			// A purchase runs at most once per sale, whatever else its parameters carry.
			assert.equal(item.idempotencyKey, `${SHOP.shopId}:${saleId}:purchase`);
			assert.equal(item.signatureAlgorithm, 'sha256');
			assert.equal(item.httpMethod, 'GET');
			assert.ok(!Number.isNaN(Date.parse(item.receivedAt)), `receivedAt: ${item.receivedAt}`);
			assert.equal(item.params.saleID, saleId);
			assert.equal(item.params.signature, undefined, 'the signature must not be in params');
			assert.ok(
				!JSON.stringify(execution).includes(SHOP.signatureKey),
				'the signature key leaked into the execution data',
			);
			purchase = { saleId, query, execution, item };
		},
	);

	check(
		"the status lookup enriches the item with the buyer's e-mail from the local status service",
		async () => {
			const { demo } = suite;
			assert.ok(purchase, 'needs the purchase test');
			const { item, saleId } = purchase;
			assert.deepEqual(item.saleLookup, { ok: true, response: 'FOUND', httpStatus: 200 });
			assert.equal(item.sale.email, `buyer-${saleId}@example.com`);
			assert.equal(item.sale.saleID, saleId);
			assert.equal(item.sale.saleResult, 'APPROVED');
			// It agrees with the postback: confirmed (the example does not hold back grants; access as sent).
			assert.equal(item.confirmed, true, JSON.stringify(item.confirmation));
			assert.deepEqual(item.access, { action: 'grant', untilSource: 'oneOff', saleID: saleId });
			assert.equal(item.sale.billingAddress?.fullName, 'Demo Buyer');
			const requests = demo.statusRequests.filter(
				(r) => new URLSearchParams(r.query).get('saleID') === saleId,
			);
			assert.equal(requests.length, 1, `status requests: ${JSON.stringify(demo.statusRequests)}`);
			const sent = Object.fromEntries(new URLSearchParams(requests[0].query));
			assert.equal(sent.shopID, SHOP.shopId);
			const { signature, ...signed } = sent;
			assert.equal(
				signature,
				flexpay.signRequest(SHOP.signatureKey, signed),
				'status request signature',
			);
		},
	);

	check('the Send Email node mails the download link to that buyer through SMTP', async () => {
		const { demo } = suite;
		assert.ok(purchase, 'needs the purchase test');
		const { saleId, execution } = purchase;
		const buyer = `buyer-${saleId}@example.com`;
		const mails = demo.mails.filter((mail) => mail.to.includes(buyer));
		assert.equal(
			mails.length,
			1,
			`mails: ${JSON.stringify(demo.mails.map(({ to, subject }) => ({ to, subject })))}`,
		);
		const [mail] = mails;
		assert.deepEqual(mail.to, [buyer]);
		assert.equal(mail.from, 'shop@example.com');
		assert.equal(mail.subject, `Your download for order order-${saleId}`);
		assert.match(
			mail.raw,
			new RegExp(`https://shop\\.example\\.com/download\\?order=order-${saleId}&sale=${saleId}`),
		);
		assert.match(mail.raw, /Hello Demo Buyer,/);
		assert.match(mail.raw, /19\.90 EUR/);
		assert.deepEqual(execution.nodes['E-mail the download link']?.[0]?.accepted, [buyer]);
	});

	check('the HTTP Request node records the sale in the CRM', async () => {
		const { demo } = suite;
		assert.ok(purchase, 'needs the purchase test');
		const { saleId, item } = purchase;
		const records = demo.crmRequests.filter(
			(r) => r.path === '/crm/sales' && r.body?.saleID === saleId,
		);
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

	check(
		'a repeated postback is answered "OK", stored, and stops at the trigger (Ignore Repeated Postbacks on)',
		async () => {
			const { n8n, demo } = suite;
			assert.ok(purchase, 'needs the purchase test');
			const workflowId = EXAMPLES.postbacks.workflowId;
			const before = await n8n.executions({ workflowId });
			for (let i = 0; i < 2; i++) {
				const response = await sendPostback(postbacksUrl(), purchase.query);
				assert.deepEqual([response.status, response.body], [200, 'OK']);
			}
			const repeats = await n8n.waitForNewExecutions({ workflowId, before, count: 2 });
			assert.equal(repeats.length, 2);
			for (const repeat of repeats)
				assert.ok(stoppedAtTrigger(repeat), `a repeat ran on: ${JSON.stringify(repeat.nodes)}`);
			await sleep(SETTLE_MS);
			const buyer = `buyer-${purchase.saleId}@example.com`;
			assert.equal(
				demo.mails.filter((mail) => mail.to.includes(buyer)).length,
				1,
				'the buyer got a second mail',
			);
		},
	);

	check(
		"a sale's history in real n8n: an old rebill replayed stops at the trigger; cancel, uncancel, cancel by another party all run",
		async () => {
			const { n8n } = suite;
			const url = n8n.webhookUrl(HISTORY.webhookPath);
			const saleId = nextSaleId();
			/** Signed as Verotel sends it; events without money carry no transactionID [COMM]. */
			const event = (name, extra) => {
				const {
					signature: _unused,
					transactionID,
					...params
				} = flexpay.buildSamplePostback(SHOP, {
					event: name,
					saleID: saleId,
					test: false,
				}).params;
				const signed = { ...params, ...extra };
				if (name === 'rebill') signed.transactionID = transactionID;
				return flexpay.buildQueryString(
					Object.entries({
						...signed,
						signature: flexpay.computeSignature(SHOP.signatureKey, signed),
					}),
				);
			};
			const rebill = event('rebill', { nextChargeOn: '2027-02-05' });
			const history = [
				['rebill', rebill],
				['expiry', event('expiry', {})],
				['rebill', rebill], // the first rebill, replayed after the expiry
				['cancel', event('cancel', { cancelledBy: 'user' })],
				['uncancel', event('uncancel', { uncancelledBy: 'user' })],
				['cancel', event('cancel', { cancelledBy: 'merchant' })],
			];
			const ran = [];
			for (const [name, query] of history) {
				const before = await n8n.executions({ workflowId: HISTORY.workflowId });
				const answer = await sendPostback(url, query);
				assert.deepEqual([answer.status, answer.body], [200, 'OK'], name);
				// One at a time, in order: each delivery's run has recorded it before the next is sent.
				const [execution] = await n8n.waitForNewExecutions({
					workflowId: HISTORY.workflowId,
					before,
				});
				ran.push(stoppedAtTrigger(execution) ? `(${name})` : triggerItem(execution).event);
			}
			assert.deepEqual(ran, ['rebill', 'expiry', '(rebill)', 'cancel', 'uncancel', 'cancel']);
		},
	);

	check(
		"a version 2 trigger: a test postback's sample sale carries the sender's e-mail, and Send Email mails it",
		async () => {
			const { n8n, demo } = suite;
			const saleId = nextSaleId();
			const buyer = `merchant-${saleId}@example.com`;
			const { query } = flexpay.buildSamplePostback(SHOP, {
				event: 'purchase',
				saleID: saleId,
				buyerEmail: buyer,
			});
			const requestsBefore = demo.statusRequests.length;
			const answer = await sendPostback(n8n.webhookUrl(SAMPLE_MAIL.webhookPath), query);
			assert.deepEqual([answer.status, answer.body], [200, 'OK']);
			const execution = await executionForSale(SAMPLE_MAIL.workflowId, saleId);
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			const item = triggerItem(execution);
			assert.equal(item.test, true);
			assert.deepEqual(item.saleLookup, { ok: true, response: 'FOUND', sample: true });
			assert.equal(item.sale.email, buyer);
			assert.equal(item.sale.sample, true);
			assert.equal(item.confirmed, false);
			assert.equal(demo.statusRequests.length, requestsBefore, 'a test postback asked Verotel');
			const mails = demo.mails.filter((mail) => mail.to.includes(buyer));
			assert.equal(mails.length, 1, `mails: ${JSON.stringify(demo.mails.slice(-3))}`);
			assert.equal(mails[0].subject, `Your order order-${saleId}`);
		},
	);

	check(
		"a test run (the editor's Execute workflow): a test postback with the merchant's e-mail mails them",
		async () => {
			const { n8n, demo } = suite;
			const saleId = nextSaleId();
			const merchant = `merchant-test-run-${saleId}@example.com`;
			const { query } = flexpay.buildSamplePostback(SHOP, {
				event: 'purchase',
				saleID: saleId,
				buyerEmail: merchant,
			});
			await listenForTestEvent(
				n8n,
				await ownerSession(n8n, OWNER),
				SAMPLE_MAIL.workflowId,
				SAMPLE_MAIL.triggerNode,
			);
			const before = await n8n.executions({ workflowId: SAMPLE_MAIL.workflowId });
			// n8n registers the test webhook as it answers; a 404 only until then.
			let answer;
			for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
				answer = await sendPostback(n8n.webhookTestUrl(SAMPLE_MAIL.webhookPath), query);
				if (answer.status !== 404) break;
			}
			assert.deepEqual([answer.status, answer.body], [200, 'OK']);
			const [execution] = await n8n.waitForNewExecutions({
				workflowId: SAMPLE_MAIL.workflowId,
				before,
			});
			assert.equal(execution.mode, 'manual');
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			assert.equal(triggerItem(execution).sale.email, merchant);
			const mails = demo.mails.filter((mail) => mail.to.includes(merchant));
			assert.equal(mails.length, 1, `mails: ${JSON.stringify(demo.mails.slice(-3))}`);
		},
	);

	// Refused postbacks, other events and the slow downstream, where they have always run: after
	// the purchase's checks, before the restart.
	postbackEventChecks(suite);

	check('n8n restarted between two postbacks loses nothing that was answered "OK"', async () => {
		let { n8n } = suite;
		assert.ok(purchase, 'needs the purchase test');
		const workflowId = EXAMPLES.postbacks.workflowId;
		// One more sale just before the restart: the record must keep every sale, not only the first.
		const lastSaleId = nextSaleId();
		const last = postback({
			event: 'purchase',
			saleId: lastSaleId,
			transactionId: `9${lastSaleId}`,
		});
		assert.equal((await sendPostback(postbacksUrl(), last)).body, 'OK');
		await executionForSale(workflowId, lastSaleId);
		await sleep(SETTLE_MS);
		const before = await n8n.executions({ workflowId });
		await n8n.stop();
		// The same data, no re-import: what a production n8n does when it restarts.
		n8n = await suite.startAgain();
		const kept = await n8n.executions({ workflowId });
		assert.deepEqual(
			kept.map(({ id, status }) => ({ id, status })),
			before.map(({ id, status }) => ({ id, status })),
			'the executions of postbacks answered before the restart are all still there',
		);
		// The record survived the restart: a redelivery of the first and of the last purchase
		// stops at the trigger.
		for (const query of [purchase.query, last]) {
			const again = await sendPostback(postbacksUrl(), query);
			assert.deepEqual([again.status, again.body], [200, 'OK']);
		}
		const repeats = await n8n.waitForNewExecutions({ workflowId, before, count: 2 });
		for (const repeat of repeats)
			assert.ok(stoppedAtTrigger(repeat), `a repeat ran on: ${JSON.stringify(repeat.nodes)}`);
		// A new postback after the restart runs exactly once.
		const saleId = nextSaleId();
		const fresh = await sendPostback(
			postbacksUrl(),
			postback({ event: 'purchase', saleId, transactionId: `9${saleId}` }),
		);
		assert.equal(fresh.status, 200, fresh.body);
		assert.equal(fresh.body, 'OK');
		await executionForSale(workflowId, saleId);
		await sleep(SETTLE_MS);
		const now = await n8n.executions({ workflowId });
		assert.equal(
			now.length,
			before.length + 3,
			`executions: ${JSON.stringify(now.map(({ id, status }) => ({ id, status })))}`,
		);
		for (const sale of [purchase.saleId, lastSaleId]) {
			const buyer = `buyer-${sale}@example.com`;
			assert.equal(
				suite.demo.mails.filter((mail) => mail.to.includes(buyer)).length,
				1,
				`the buyer of sale ${sale} got a second mail after the restart`,
			);
		}
	});
});
