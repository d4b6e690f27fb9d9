// End-to-end suite of the Verotel FlexPay action node in a real n8n, on every n8n line of the
// matrix (one n8n per line, set up by flexpay-setup.mjs): the order example's purchase URL, an
// invalid order through the node's error output, and Postback -> Send Test Postback answered by
// the trigger.
//
//   node --test-reporter=spec test/e2e/action.e2e.mjs      (part of `npm run test:e2e`)

import assert from 'node:assert/strict';

import { SETTLE_MS, sleep } from './check.mjs';
import { SHOP, SEND_TEST, SLOW, flexpay, flexpaySuite, nextSaleId } from './flexpay-setup.mjs';

import { httpRequest } from '../../scripts/n8n/http.mjs';
import { EXAMPLES } from '../../scripts/examples.mjs';

flexpaySuite((suite) => {
	const { check, postbacksUrl, executionForSale, triggerItem } = suite;

	check(
		"the action node's purchase URL (Webhook -> Create Purchase URL -> Respond) verifies",
		async () => {
			const { n8n, demo } = suite;
			const order = {
				orderId: `order-e2e-${nextSaleId()}`,
				amount: 9.9,
				currency: 'USD',
				description: 'HD video: "Sunset" (4K)',
				email: 'buyer@example.com',
			};
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
			assert.equal(
				signature,
				flexpay.signRequest(SHOP.signatureKey, rest),
				'purchase URL signature',
			);
			assert.equal(body.referenceID, order.orderId);
			assert.ok(!response.body.includes(SHOP.signatureKey));
			// The demo order page (what `npm start` links to) accepts it as well.
			const page = await httpRequest(body.purchaseUrl);
			assert.equal(page.status, 200);
			assert.match(page.body, /Signature valid/);
			const executions = await n8n.waitForExecutions({
				workflowId: EXAMPLES.order.workflowId,
				count: 1,
			});
			assert.equal(executions[executions.length - 1].status, 'success');
		},
	);

	check(
		'Postback -> Send Test Postback: a production URL answers OK without a run, unless it runs test postbacks',
		async () => {
			const { n8n } = suite;
			const sendTest = async (url, saleId) => {
				const response = await httpRequest(n8n.webhookUrl(SEND_TEST.webhookPath), {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ url, event: 'purchase', saleID: saleId }),
					timeoutMs: 30_000,
				});
				assert.equal(response.status, 200, response.body);
				const sent = JSON.parse(response.body);
				assert.deepEqual(
					[sent.ok, sent.statusCode, sent.body, sent.saleID],
					[true, 200, 'OK', saleId],
					response.body,
				);
				assert.equal(sent.params.testPostback, '1');
				assert.ok(
					!response.body.includes(SHOP.signatureKey),
					'the signature key must not be in the output',
				);
			};
			// The example workflow: a sample replayed to its production URL must not grant anything.
			const before = (await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length;
			await sendTest(postbacksUrl(), nextSaleId());
			await sleep(SETTLE_MS);
			assert.equal(
				(await n8n.executions({ workflowId: EXAMPLES.postbacks.workflowId })).length,
				before,
				'a test postback ran on the production URL',
			);
			// A trigger with "Run Test Postbacks on the Production URL" on runs it, marked test: true.
			const saleId = nextSaleId();
			await sendTest(n8n.webhookUrl(SLOW.webhookPath), saleId);
			const execution = await executionForSale(SLOW.workflowId, saleId);
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			const item = triggerItem(execution);
			assert.equal(item.idempotencyKey, `${SHOP.shopId}:${saleId}:purchase`);
			assert.equal(item.test, true);
		},
	);

	check(
		"an invalid order is answered 400 with the reason, through the action node's error output",
		async () => {
			const { n8n } = suite;
			const response = await httpRequest(n8n.webhookUrl(EXAMPLES.order.webhookPath), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ orderId: 'order-bad', amount: '9.999', description: 'HD video' }),
			});
			assert.equal(response.status, 400, response.body);
			const body = JSON.parse(response.body);
			assert.match(body.error, /9\.999/);
			assert.equal(body.purchaseUrl, undefined);
		},
	);
});
