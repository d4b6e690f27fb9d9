// What templates.e2e.mjs runs its checks with: per n8n line of the matrix one n8n with the
// templates of examples/ (token credit, membership, reconciliation, expiry safety net, and the
// chargeback alert with the postbacks example that calls it), imported as a user imports
// them (only the CRM origin is replaced) and published (the scheduled ones are run on demand
// instead), against the local stand-ins of
// scripts/demo-services.mjs (CRM with state, Verotel's sale-status service, Verotel's Control
// Center API); signed postbacks and the finished executions they start.

import assert from 'node:assert/strict';
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
import { DEMO_CONTROL_CENTER, startDemoServices } from '../../scripts/demo-services.mjs';
import { EXAMPLES, exampleCredentials, loadExamples } from '../../scripts/examples.mjs';
import { sendPostback } from '../../scripts/postback.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const flexpay = require(path.join(root, 'index.js'));

/** The shop the tests play: a signature key that appears nowhere else. */
const SHOP = Object.freeze({
	shopId: '543210',
	signatureKey: 'templates-FlexPay-signature-key-5Rw2',
});
const TEMPLATES = [
	EXAMPLES.tokens,
	EXAMPLES.membership,
	EXAMPLES.reconciliation,
	EXAMPLES.expirySafetyNet,
	// The chargeback alert is a sub-workflow: the postbacks example calls it.
	EXAMPLES.postbacks,
	EXAMPLES.alert,
];

/** A fresh numeric saleID per postback, so every test's sale is its own. */
export const nextSaleId = saleIdSource(8_000_000);

/**
 * A signed postback as Verotel sends it for `event`, with `extra` parameters (e.g. nextChargeOn,
 * precededBySaleID) added before signing. The sample parameters come from the protocol core.
 */
export function signedPostback({ event, saleId, custom1, amount, extra = {} }) {
	const sample = flexpay.buildSamplePostback(
		{ shopId: SHOP.shopId, signatureKey: SHOP.signatureKey },
		{ event, saleID: saleId, custom1, amount, test: false },
	);
	const { signature: _unused, ...params } = sample.params;
	Object.assign(params, extra);
	const signature = flexpay.computeSignature(SHOP.signatureKey, params, 'sha256');
	return flexpay.buildQueryString(Object.entries({ ...params, signature }));
}

/**
 * One `describe` per n8n version of the matrix, each with its own n8n and stand-ins (started
 * before its first check, stopped after its last); `register(suite)` adds the checks.
 */
export function templatesSuite(register) {
	const { matrix, timings } = prepareSuite();
	for (const spec of matrix) {
		describe(`templates on n8n ${spec.version}`, () => register(templatesN8n(spec, timings)));
	}
}

function templatesN8n(spec, timings) {
	const log = (line) => console.log(`[e2e ${spec.version}] ${line}`);
	let started = Date.now();

	const suite = {
		log,
		/** @type {Awaited<ReturnType<typeof startN8n>>} */
		n8n: undefined,
		/** @type {Awaited<ReturnType<typeof startDemoServices>>} */
		demo: undefined,
		/** A test; on failure it also prints the tail of n8n's log. */
		check: checkWithN8nLog(log, () => suite.n8n),

		/** The CRM requests whose body names `saleId`. */
		crmFor: (saleId) => suite.demo.crmRequests.filter((r) => r.body?.saleID === saleId),

		/** The finished execution of a template's trigger for this sale and event. */
		async executionFor(template, saleId, event) {
			return waitUntil(
				`a finished execution of ${template.workflowId} for ${event} of sale ${saleId}`,
				async () => {
					const list = await suite.n8n.executions({ workflowId: template.workflowId });
					return list.find((e) => {
						const item = e.nodes[template.triggerNode]?.[0];
						return hasEnded(e) && item?.saleID === saleId && item?.event === event;
					});
				},
			);
		},

		/**
		 * Makes Verotel's status service (the stand-in) know the sale a postback opens, at the price
		 * the postback names, as the real one does before it sends the postback: the templates grant
		 * only what it confirms ("Grant Access Only When Confirmed"). Other events change nothing.
		 */
		verotelKnows(query) {
			const postback = flexpay.parsePostback(query, SHOP);
			if (['purchase', 'initial', 'upgrade'].includes(postback.event)) {
				suite.demo.setSale(postback.saleID, {
					priceAmount: postback.amountString,
					priceCurrency: postback.currency,
				});
			}
			return query;
		},

		/**
		 * Send a signed postback of a sale the status service knows (verotelKnows) to a template's
		 * trigger; expects "OK" and returns its finished execution.
		 */
		async deliver(template, options) {
			const query = suite.verotelKnows(signedPostback(options));
			const response = await sendPostback(suite.n8n.webhookUrl(template.webhookPath), query);
			assert.equal(response.status, 200, response.body);
			assert.equal(response.body, 'OK');
			const execution = await suite.executionFor(template, options.saleId, options.event);
			assert.equal(execution.status, 'success', JSON.stringify(execution.error));
			return execution;
		},
	};

	before(async () => {
		started = Date.now();
		const install = await ensureN8n(spec, { log: (line) => log(`install: ${line}`) });
		log(
			`n8n ${install.version} ready on Node ${install.nodeVersion} (${seconds(Date.now() - started)})`,
		);
		const demo = (suite.demo = await startDemoServices({ flexpay: SHOP }));
		log(`demo services: CRM, sale status and Control Center API on ${demo.baseUrl}`);
		const files = new Set(TEMPLATES.map((t) => t.file));
		const all = loadExamples({ crmBaseUrl: demo.baseUrl });
		const workflows = all.filter((w) => TEMPLATES.some((t) => t.workflowId === w.id));
		assert.equal(
			workflows.length,
			files.size,
			`templates found: ${workflows.map((w) => w.id).join(', ')}`,
		);
		const n8n = (suite.n8n = await startN8n({
			install,
			packageDir: root,
			credentials: exampleCredentials({
				flexpay: { ...SHOP, brand: 'verotel', baseUrl: demo.baseUrl },
				smtp: { host: '127.0.0.1', port: demo.ports.smtp },
				controlCenter: { ...DEMO_CONTROL_CENTER, baseUrl: demo.controlCenter.baseUrl },
			}),
			workflows,
			activate: publishedUnlessScheduled(workflows),
			waitForWebhooks: [
				EXAMPLES.tokens.webhookPath,
				EXAMPLES.membership.webhookPath,
				{ path: EXAMPLES.membership.cancelWebhookPath, method: 'POST' },
				EXAMPLES.postbacks.webhookPath,
			],
			log: (line) => log(`n8n: ${line}`),
		}));
		log(
			`n8n ${n8n.version} up on ${n8n.baseUrl} with ${workflows.length} templates (${seconds(Date.now() - started)} since start)`,
		);
	});

	after(async () => {
		await suite.n8n?.stop();
		await suite.demo?.stop();
		timings.push({ version: spec.version, ms: Date.now() - started });
		log(`done in ${seconds(Date.now() - started)} (n8n stopped)`);
	});

	return suite;
}
