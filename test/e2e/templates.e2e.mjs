// End-to-end suite for the templates of examples/ (token credit, membership, reconciliation):
// each imported exactly as a user imports it (only the CRM origin is replaced), activated and run
// in a real n8n on every n8n line of the matrix (N8N_E2E_VERSIONS=2 narrows it), against the
// local stand-ins of scripts/demo-services.mjs (CRM with state, Verotel's sale-status service,
// Verotel's Control Center API); set up by templates-setup.mjs.
//
//   node --test-reporter=spec test/e2e/templates.e2e.mjs      (part of `npm run test:e2e`)
//
// One n8n start per line with all three templates. Postbacks are signed like Verotel's; the
// checks are on the CRM requests the workflows made (exactly the expected ones), the Control
// Center requests and the executions n8n saved. The reconciliation template starts with a
// Schedule Trigger and a Manual Trigger ("Run now"): the suite runs it on demand with
// `n8n execute --id=<id>` against the running n8n's data, twice.

import assert from 'node:assert/strict';

import { SETTLE_MS, seconds, sleep } from './check.mjs';
import { nextSaleId, signedPostback, templatesSuite } from './templates-setup.mjs';

import { httpRequest } from '../../scripts/n8n/http.mjs';
import { DEMO_CONTROL_CENTER } from '../../scripts/demo-services.mjs';
import { EXAMPLES } from '../../scripts/examples.mjs';
import { sendPostback } from '../../scripts/postback.mjs';

templatesSuite((suite) => {
	const { check, log, crmFor, executionFor, deliver, verotelKnows } = suite;

	// ---- verotel-token-credit.json ------------------------------------------------------

	check(
		'token credit: a purchase credits 100 tokens per 1.00, a refund of it debits them again',
		async () => {
			const { demo } = suite;
			const saleId = nextSaleId();
			const user = `user-${saleId}`;
			const purchase = await deliver(EXAMPLES.tokens, {
				event: 'purchase',
				saleId,
				custom1: user,
				amount: '19.90',
			});
			const item = purchase.nodes[EXAMPLES.tokens.triggerNode][0];
			// The template grants only what the status service confirms; the stand-in knows this sale.
			assert.equal(item.confirmed, true, JSON.stringify(item.confirmation));
			await sleep(SETTLE_MS);
			assert.deepEqual(
				crmFor(saleId).map(({ method, path, body }) => ({ method, path, body })),
				[
					{
						method: 'POST',
						path: '/crm/tokens/credit',
						body: {
							user,
							tokens: 1990,
							saleID: saleId,
							event: 'purchase',
							idempotencyKey: item.idempotencyKey,
						},
					},
				],
			);
			assert.equal(demo.crm.tokens.get(user), 1990);

			const credit = await deliver(EXAMPLES.tokens, {
				event: 'credit',
				saleId,
				custom1: user,
				amount: '19.90',
			});
			const creditItem = credit.nodes[EXAMPLES.tokens.triggerNode][0];
			await sleep(SETTLE_MS);
			const calls = crmFor(saleId);
			assert.equal(calls.length, 2, JSON.stringify(calls));
			assert.deepEqual(calls[1].body, {
				user,
				tokens: 1990,
				saleID: saleId,
				event: 'credit',
				idempotencyKey: creditItem.idempotencyKey,
			});
			assert.equal(calls[1].path, '/crm/tokens/debit');
			assert.equal(demo.crm.tokens.get(user), 0);
			assert.equal(credit.nodes[EXAMPLES.tokens.creditNode], undefined, 'a refund must not credit');
		},
	);

	check(
		'token credit: a chargeback debits; a repeated purchase postback credits nothing twice',
		async () => {
			const { n8n, demo } = suite;
			const saleId = nextSaleId();
			const user = `user-${saleId}`;
			const query = verotelKnows(
				signedPostback({ event: 'purchase', saleId, custom1: user, amount: '5.00' }),
			);
			for (let i = 0; i < 2; i++) {
				const response = await sendPostback(n8n.webhookUrl(EXAMPLES.tokens.webhookPath), query);
				assert.equal(response.status, 200, response.body);
			}
			await executionFor(EXAMPLES.tokens, saleId, 'purchase');
			await deliver(EXAMPLES.tokens, {
				event: 'chargeback',
				saleId,
				custom1: user,
				amount: '5.00',
			});
			await sleep(SETTLE_MS);
			assert.deepEqual(
				crmFor(saleId).map(({ path, body }) => `${path} ${body.tokens}`),
				['/crm/tokens/credit 500', '/crm/tokens/debit 500'],
			);
			assert.equal(demo.crm.tokens.get(user), 0);
			const runs = (await n8n.executions({ workflowId: EXAMPLES.tokens.workflowId })).filter(
				(e) => e.nodes[EXAMPLES.tokens.triggerNode]?.[0]?.saleID === saleId,
			);
			assert.equal(
				runs.length,
				2,
				'one run for the purchase (the repeat is ignored), one for the chargeback',
			);
		},
	);

	check(
		'token credit: a purchase the status service knows at another price credits nothing, and still gets "OK"',
		async () => {
			const { n8n, demo } = suite;
			const saleId = nextSaleId();
			// Verotel's status service has the sale at 1.00; the signed postback claims 50.00.
			demo.setSale(saleId, { priceAmount: '1.00', priceCurrency: 'EUR' });
			const query = signedPostback({
				event: 'purchase',
				saleId,
				custom1: `user-${saleId}`,
				amount: '50.00',
			});
			const response = await sendPostback(n8n.webhookUrl(EXAMPLES.tokens.webhookPath), query);
			assert.deepEqual([response.status, response.body], [200, 'OK']);
			const execution = await executionFor(EXAMPLES.tokens, saleId, 'purchase');
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			const item = execution.nodes[EXAMPLES.tokens.triggerNode][0];
			assert.equal(item.confirmed, false);
			assert.equal(item.confirmation.reason, 'The amount differs from the status service’s');
			assert.deepEqual(item.access, {
				action: 'none',
				saleID: saleId,
				withheld: 'grant',
				reason: `Not confirmed: ${item.confirmation.reason}`,
			});
			assert.equal(
				execution.nodes[EXAMPLES.tokens.creditNode],
				undefined,
				'an unconfirmed purchase credited tokens',
			);
			await sleep(SETTLE_MS);
			assert.deepEqual(crmFor(saleId), []);
			assert.equal(demo.crm.tokens.get(`user-${saleId}`), undefined);
		},
	);

	// ---- verotel-membership.json -----------------------------------------------------------

	check(
		'membership: initial grants, rebill extends, cancel keeps (no CRM call), expiry revokes',
		async () => {
			const { demo } = suite;
			const saleId = nextSaleId();
			const user = `member-${saleId}`;
			await deliver(EXAMPLES.membership, {
				event: 'initial',
				saleId,
				custom1: user,
				extra: { nextChargeOn: '2026-12-01' },
			});
			await deliver(EXAMPLES.membership, {
				event: 'rebill',
				saleId,
				custom1: user,
				extra: { nextChargeOn: '2027-01-01' },
			});
			const cancel = await deliver(EXAMPLES.membership, {
				event: 'cancel',
				saleId,
				custom1: user,
				extra: { expiresOn: '2027-01-01' },
			});
			assert.ok(
				cancel.nodes['Nothing to change'],
				`the cancel took another branch: ${Object.keys(cancel.nodes).join(', ')}`,
			);
			await sleep(SETTLE_MS);
			const beforeExpiry = crmFor(saleId).map(({ path, body }) => ({
				path,
				body: { ...body, idempotencyKey: undefined },
			}));
			assert.deepEqual(beforeExpiry, [
				{
					path: '/crm/members/grant',
					body: {
						saleID: saleId,
						user,
						until: '2026-12-01',
						replacesSaleID: null,
						event: 'initial',
						idempotencyKey: undefined,
					},
				},
				{
					path: '/crm/members/extend',
					body: { saleID: saleId, until: '2027-01-01', event: 'rebill', idempotencyKey: undefined },
				},
			]);
			assert.deepEqual(demo.crm.members.get(saleId), {
				saleID: saleId,
				user,
				until: '2027-01-01',
				active: true,
			});

			await deliver(EXAMPLES.membership, { event: 'expiry', saleId, custom1: user });
			await sleep(SETTLE_MS);
			const calls = crmFor(saleId);
			assert.equal(calls.length, 3, JSON.stringify(calls.map((c) => c.path)));
			assert.equal(calls[2].path, '/crm/members/revoke');
			assert.equal(calls[2].body.saleID, saleId);
			assert.equal(demo.crm.members.get(saleId).active, false);
		},
	);

	check(
		'membership: an upgrade grants the new sale with replacesSaleID and closes the old one',
		async () => {
			const { demo } = suite;
			const oldSale = nextSaleId();
			const newSale = nextSaleId();
			const user = `member-${oldSale}`;
			await deliver(EXAMPLES.membership, {
				event: 'initial',
				saleId: oldSale,
				custom1: user,
				extra: { nextChargeOn: '2026-12-15' },
			});
			await deliver(EXAMPLES.membership, {
				event: 'upgrade',
				saleId: newSale,
				custom1: user,
				extra: { precededBySaleID: oldSale, nextChargeOn: '2027-02-15' },
			});
			await sleep(SETTLE_MS);
			const calls = crmFor(newSale);
			assert.equal(calls.length, 1, JSON.stringify(calls));
			assert.equal(calls[0].path, '/crm/members/grant');
			assert.deepEqual(
				{ ...calls[0].body, idempotencyKey: undefined },
				{
					saleID: newSale,
					user,
					until: '2027-02-15',
					replacesSaleID: oldSale,
					event: 'upgrade',
					idempotencyKey: undefined,
				},
			);
			assert.equal(demo.crm.members.get(newSale).active, true);
			assert.equal(demo.crm.members.get(oldSale).active, false);
			assert.equal(demo.crm.members.get(oldSale).replacedBy, newSale);
		},
	);

	check(
		'membership: a cancel request cancels in Control Center once; the second answers alreadyCancelled',
		async () => {
			const { n8n, demo } = suite;
			const saleId = nextSaleId();
			const url = n8n.webhookUrl(EXAMPLES.membership.cancelWebhookPath);
			const ask = () =>
				httpRequest(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ saleID: saleId }),
				});
			const cancelPath = `/api/sale/${saleId}/cancel`;

			const first = await ask();
			assert.equal(first.status, 200, first.body);
			assert.deepEqual(JSON.parse(first.body), {
				saleID: saleId,
				cancelled: true,
				alreadyCancelled: false,
			});
			const calls = demo.controlCenter.requests.filter((r) => r.path === cancelPath);
			assert.equal(calls.length, 1, JSON.stringify(demo.controlCenter.requests.map((r) => r.path)));
			assert.equal(calls[0].method, 'POST');
			assert.equal(
				calls[0].headers.authorization,
				`Basic ${Buffer.from(`${DEMO_CONTROL_CENTER.username}:${DEMO_CONTROL_CENTER.password}`).toString('base64')}`,
			);
			assert.equal(demo.controlCenter.sales[saleId], 'cancelled');

			const second = await ask();
			assert.equal(second.status, 200, second.body);
			assert.deepEqual(JSON.parse(second.body), {
				saleID: saleId,
				cancelled: true,
				alreadyCancelled: true,
			});
			assert.equal(demo.controlCenter.requests.filter((r) => r.path === cancelPath).length, 2);
		},
	);

	check(
		'membership: an invalid cancel request is answered 400 with the reason and calls nothing',
		async () => {
			const { n8n, demo } = suite;
			const before = demo.controlCenter.requests.length;
			const response = await httpRequest(n8n.webhookUrl(EXAMPLES.membership.cancelWebhookPath), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ saleID: 'not-a-sale' }),
			});
			assert.equal(response.status, 400, response.body);
			const body = JSON.parse(response.body);
			assert.equal(typeof body.error, 'string');
			assert.match(body.error, /sale ?id/i);
			assert.equal(demo.controlCenter.requests.length, before, 'the Control Center API was called');
		},
	);

	// ---- verotel-chargeback-alert.json (called by verotel-postbacks.json) --------------------

	/** The CRM's counts of the last 30 days, as the alert asks for them. */
	const crmStats = async () => {
		const response = await httpRequest(`${suite.demo.baseUrl}/crm/sales/stats?days=30`);
		assert.equal(response.status, 200, response.body);
		return JSON.parse(response.body);
	};
	/** The alert sub-workflow's finished execution for this postback. */
	const alertFor = (saleId, event) =>
		executionFor(
			{ workflowId: EXAMPLES.alert.workflowId, triggerNode: EXAMPLES.alert.entryNode },
			saleId,
			event,
		);

	check(
		'chargeback alert: a chargeback mails amount, buyer, custom1 and the 30-day ratio against the threshold, and blocks the buyer',
		async () => {
			const { demo } = suite;
			const before = await crmStats();
			const user = `buyer-account-${nextSaleId()}`;
			const [sold, other] = [nextSaleId(), nextSaleId()];
			for (const saleId of [sold, other]) {
				await deliver(EXAMPLES.postbacks, {
					event: 'purchase',
					saleId,
					custom1: user,
					amount: '19.90',
				});
			}
			// A sale 40 days ago is outside the window.
			const old = await httpRequest(`${demo.baseUrl}/crm/sales`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					saleID: nextSaleId(),
					receivedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString(),
				}),
			});
			assert.equal(old.status, 200, old.body);

			const postback = await deliver(EXAMPLES.postbacks, {
				event: 'chargeback',
				saleId: sold,
				custom1: user,
				amount: '19.90',
			});
			assert.ok(
				postback.nodes[EXAMPLES.alert.callerNode],
				`the postback workflow did not call the alert: ${Object.keys(postback.nodes).join(', ')}`,
			);
			const alert = await alertFor(sold, 'chargeback');
			assert.equal(alert.status, 'success', JSON.stringify(alert.error));
			const sales = before.sales + 2;
			const chargebacks = before.chargebacks + 1;
			const percent = ((chargebacks / sales) * 100).toFixed(2);
			const above = Number(percent) > 1;
			assert.deepEqual(alert.nodes['The alert'], [
				{
					kind: 'Chargeback',
					event: 'chargeback',
					amount: '19.90 EUR',
					saleID: sold,
					buyerEmail: `buyer-${sold}@example.com`,
					custom1: user,
					ratio: `${percent} % (${chargebacks} chargeback(s), ${sales} sale(s) in the last 30 days)`,
					aboveThreshold: above,
					threshold: '1 %',
					blockBuyer: true,
					test: false,
					alertTo: 'payments@example.com',
					idempotencyKey: postback.nodes[EXAMPLES.postbacks.triggerNode][0].idempotencyKey,
				},
			]);

			const mails = demo.mails.filter((mail) => mail.subject?.includes(`sale ${sold}`));
			assert.equal(mails.length, 1, JSON.stringify(demo.mails.map((m) => m.subject)));
			assert.deepEqual(mails[0].to, ['payments@example.com']);
			assert.equal(
				mails[0].subject,
				`Chargeback 19.90 EUR, sale ${sold}${above ? ', ratio above 1 %' : ''}`,
			);
			for (const line of [
				`Buyer: buyer-${sold}@example.com`,
				`custom1: ${user}`,
				`Chargeback ratio: ${percent} %`,
				`Your threshold: 1 % - ${above ? 'ABOVE IT' : 'below it'}`,
			]) {
				assert.ok(mails[0].raw.includes(line), `the mail lacks "${line}":\n${mails[0].raw}`);
			}

			await sleep(SETTLE_MS);
			const blocks = demo.crmRequests.filter((r) => r.path === '/crm/users/block');
			assert.deepEqual(
				blocks.filter((r) => r.body.user === user).map((r) => r.body),
				[
					{
						user,
						saleID: sold,
						reason: 'chargeback',
						idempotencyKey: `block:${alert.nodes['The alert'][0].idempotencyKey}`,
					},
				],
			);
			assert.equal(demo.crm.blocked.get(user)?.saleID, sold);
		},
	);

	check(
		'chargeback alert: a refund mails the alert with the ratio unchanged and does not block the buyer',
		async () => {
			const { demo } = suite;
			const saleId = nextSaleId();
			const user = `buyer-account-${saleId}`;
			await deliver(EXAMPLES.postbacks, {
				event: 'purchase',
				saleId,
				custom1: user,
				amount: '5.00',
			});
			const before = await crmStats();
			await deliver(EXAMPLES.postbacks, { event: 'credit', saleId, custom1: user, amount: '5.00' });
			const alert = await alertFor(saleId, 'credit');
			assert.equal(alert.status, 'success', JSON.stringify(alert.error));
			const [item] = alert.nodes['The alert'];
			assert.equal(item.kind, 'Refund');
			assert.equal(item.amount, '5.00 EUR');
			assert.equal(item.buyerEmail, `buyer-${saleId}@example.com`);
			assert.equal(item.blockBuyer, false);
			assert.match(
				item.ratio,
				new RegExp(
					`\\(${before.chargebacks} chargeback\\(s\\), ${before.sales} sale\\(s\\) in the last 30 days\\)$`,
				),
			);
			const mails = demo.mails.filter((mail) => mail.subject?.includes(`sale ${saleId}`));
			assert.equal(mails.length, 1, JSON.stringify(demo.mails.map((m) => m.subject)));
			assert.match(mails[0].subject, new RegExp(`^Refund 5\\.00 EUR, sale ${saleId}`));
			await sleep(SETTLE_MS);
			assert.equal(alert.nodes[EXAMPLES.alert.blockNode], undefined, 'a refund blocked the buyer');
			assert.deepEqual(
				demo.crmRequests.filter((r) => r.path === '/crm/users/block' && r.body.user === user),
				[],
			);
			assert.equal(demo.crm.blocked.has(user), false);
		},
	);

	// ---- verotel-reconciliation.json -------------------------------------------------------

	check(
		'reconciliation, run twice: the approved order is fulfilled exactly once, declined and unpaid ones never',
		async () => {
			const { n8n, demo } = suite;
			const tag = nextSaleId();
			const approvedSale = nextSaleId();
			const approved = demo.addOrder({
				referenceID: `rec-approved-${tag}`,
				amount: '12.50',
				sale: {
					saleID: approvedSale,
					saleResult: 'APPROVED',
					priceAmount: '12.50',
					priceCurrency: 'EUR',
				},
			});
			const declined = demo.addOrder({
				referenceID: `rec-declined-${tag}`,
				sale: {
					saleID: nextSaleId(),
					saleResult: 'DECLINED',
					priceAmount: '9.99',
					priceCurrency: 'EUR',
				},
			});
			const unpaid = demo.addOrder({ referenceID: `rec-unpaid-${tag}` }); // Verotel knows no sale for it
			const fulfils = (order) =>
				demo.crmRequests.filter((r) => r.path === `/crm/orders/${order.referenceID}/fulfil`);
			const lookups = (order) =>
				demo.statusRequests.filter(
					(r) => new URLSearchParams(r.query).get('referenceID') === order.referenceID,
				);

			for (const run of [1, 2]) {
				const t0 = Date.now();
				await n8n.executeWorkflow(EXAMPLES.reconciliation.workflowId);
				log(
					`reconciliation run ${run} (n8n execute --id=${EXAMPLES.reconciliation.workflowId}): ${seconds(Date.now() - t0)}`,
				);
				assert.equal(
					fulfils(approved).length,
					1,
					`run ${run}: fulfil requests ${JSON.stringify(fulfils(approved))}`,
				);
				assert.equal(fulfils(declined).length, 0);
				assert.equal(fulfils(unpaid).length, 0);
				assert.equal(
					lookups(approved).length,
					1,
					`run ${run}: a paid order is not looked up again`,
				);
				assert.equal(lookups(declined).length, run);
				assert.equal(lookups(unpaid).length, run);
			}
			const [fulfil] = fulfils(approved);
			assert.equal(fulfil.method, 'POST');
			assert.deepEqual(fulfil.body, {
				referenceID: approved.referenceID,
				saleID: approvedSale,
				amount: '12.50',
				currency: 'EUR',
				idempotencyKey: `fulfil:${approved.referenceID}:${approvedSale}`,
			});
			assert.equal(demo.crm.orders.get(approved.referenceID).status, 'paid');
			assert.equal(demo.crm.orders.get(approved.referenceID).fulfilments, 1);
			assert.equal(demo.crm.orders.get(declined.referenceID).status, 'unpaid');
			assert.equal(demo.crm.orders.get(unpaid.referenceID).status, 'unpaid');
			const runs = (
				await n8n.executions({ workflowId: EXAMPLES.reconciliation.workflowId })
			).filter((e) => e.mode === 'cli');
			assert.equal(
				runs.length,
				2,
				`executions: ${JSON.stringify(runs.map(({ id, status, mode }) => ({ id, status, mode })))}`,
			);
			assert.ok(runs.every((e) => e.status === 'success'));
		},
	);
});
