// What durable.e2e.mjs runs its checks with: the shop and credential, the two workflows (one per
// "Answer OK" setting of the trigger, each followed by a Wait), the seeded random moments, the
// load of signed purchases and the audit of what n8n stored for the answers.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { saleIdSource, sleep, storedItem, waitUntil } from './check.mjs';

import { httpRequest } from '../../scripts/n8n/http.mjs';
import { buildPostback } from '../../scripts/postback.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOP = Object.freeze({
	shopId: '765432',
	signatureKey: 'durable-FlexPay-signature-key-3Kp8',
});
const TRIGGER_TYPE = 'n8n-nodes-verotel-flexpay.verotelFlexPayTrigger';
const TRIGGER_NODE = 'Verotel FlexPay Trigger';
const CREDENTIAL = Object.freeze({
	id: 'DurableShopCred1',
	name: 'Verotel FlexPay (durable e2e)',
	type: 'verotelFlexPayApi',
});
const CONCURRENCY = 4; // per workflow, so 8 postbacks in flight at once

/** The two settings of "Answer OK" under test, each with its own workflow and webhook. */
export const MODES = Object.freeze([
	{
		answerOk: 'whenStored',
		workflowId: 'DurableWhenStor1',
		webhookId: 'd2a1b3c4-0001-4e5f-8a9b-0c1d2e3f4a51',
	},
	{
		answerOk: 'whenRunStarts',
		workflowId: 'DurableRunStart1',
		webhookId: 'd2a1b3c4-0002-4e5f-8a9b-0c1d2e3f4a52',
	},
]);
export const webhookPath = (mode) => `${mode.webhookId}/webhook`;

/** A small seeded generator (mulberry32), so a failing trial can be replayed with DURABLE_SEED. */
function randomFrom(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
export const SEED = Number(process.env.DURABLE_SEED || Date.now() % 1_000_000);
export const random = randomFrom(SEED);

export function workflowFor(mode, waitSeconds = 2) {
	return {
		id: mode.workflowId,
		name: `durable e2e: OK ${mode.answerOk}, then ${waitSeconds} s of work`,
		active: false,
		nodes: [
			{
				id: `${mode.webhookId}-t`,
				name: TRIGGER_NODE,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: mode.webhookId,
				parameters: { options: mode.answerOk === 'whenStored' ? {} : { answerOk: mode.answerOk } },
				credentials: { verotelFlexPayApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
			},
			{
				id: `${mode.webhookId}-w`,
				name: 'Fulfilment',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [240, 0],
				webhookId: `${mode.webhookId.slice(0, -2)}99`,
				parameters: { amount: waitSeconds, unit: 'seconds' },
			},
		],
		connections: { [TRIGGER_NODE]: { main: [[{ node: 'Fulfilment', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** What a new n8n imports (startN8n options): the pack, the shop's credential and `workflows`. */
export const durableImport = (workflows) => ({
	packageDir: root,
	credentials: [
		{
			...CREDENTIAL,
			data: { shopId: SHOP.shopId, signatureKey: SHOP.signatureKey, brand: 'verotel', baseUrl: '' },
		},
	],
	workflows,
});

export const itemOf = (execution) => storedItem(execution, TRIGGER_NODE);

/** Every postback of a run is its own sale. */
export const nextSaleId = saleIdSource(1_000_000_000);

/** The signed purchase postback (query string) of `saleId`. */
export const purchaseQuery = (saleId) =>
	buildPostback({
		shopId: SHOP.shopId,
		key: SHOP.signatureKey,
		event: 'purchase',
		saleId,
		transactionId: `9${saleId}`,
		asVerotel: true,
	});

/** Per mode (answerOk): the ids of the workflow's executions so far. */
export async function executionIdsByMode(n8n) {
	const ids = new Map();
	for (const mode of MODES)
		ids.set(
			mode.answerOk,
			new Set((await n8n.executions({ workflowId: mode.workflowId })).map((e) => e.id)),
		);
	return ids;
}

/**
 * Signed purchases, each its own sale, to both workflows of the n8n `currentN8n()` returns until
 * `stop()`: `concurrency` senders per workflow, each pausing `pauseMs` between postbacks. Every
 * answer is recorded with its sale ID, when it came and how long it took.
 */
export function startLoad(currentN8n, { concurrency = CONCURRENCY, pauseMs = 0 } = {}) {
	const answers = [];
	let running = true;
	const worker = async (mode) => {
		while (running) {
			const saleId = nextSaleId();
			const query = purchaseQuery(saleId);
			try {
				// A connection per postback, as a postback sender does: on SIGTERM n8n stops taking new
				// connections, while requests on a kept-alive one would still be answered.
				const sent = performance.now();
				const response = await httpRequest(
					`${currentN8n().webhookUrl(webhookPath(mode))}?${query}`,
					{ timeoutMs: 30_000 },
				);
				answers.push({
					mode: mode.answerOk,
					saleId,
					status: response.status,
					body: response.body,
					ms: performance.now() - sent,
					at: Date.now(),
				});
				if (pauseMs) await sleep(pauseMs);
			} catch (error) {
				answers.push({
					mode: mode.answerOk,
					saleId,
					status: 0,
					body: String(error.code || error.message),
					ms: NaN,
					at: Date.now(),
				});
				await sleep(50);
			}
		}
	};
	const workers = MODES.flatMap((mode) => Array.from({ length: concurrency }, () => worker(mode)));
	return {
		answers,
		/** Resolves once every mode has had a postback answered OK (n8n is warm for each). */
		everyModeAnsweredOk: () =>
			waitUntil(
				'an OK for every mode',
				() =>
					MODES.every((mode) =>
						answers.some((a) => a.mode === mode.answerOk && a.status === 200 && a.body === 'OK'),
					),
				{ timeoutMs: 60_000 },
			),
		async stop() {
			running = false;
			await Promise.all(workers);
		},
	};
}

/** For each mode: the sales answered OK that have no execution holding their item. */
export async function audit(n8n, answers) {
	const result = {};
	for (const mode of MODES) {
		const executions = await n8n.executions({ workflowId: mode.workflowId, raw: true });
		const bySale = new Map();
		for (const execution of executions) {
			const saleId = itemOf(execution)?.saleID;
			if (saleId) bySale.set(saleId, [...(bySale.get(saleId) ?? []), execution]);
		}
		const ok = answers.filter(
			(a) => a.mode === mode.answerOk && a.status === 200 && a.body === 'OK',
		);
		result[mode.answerOk] = {
			ok,
			lost: ok.filter((a) => !bySale.has(a.saleId)).map((a) => a.saleId),
			duplicated: [...bySale.entries()]
				.filter(([, list]) => list.length > 1)
				.map(([saleId]) => saleId),
			executions,
			unfinished: executions.filter((e) => e.status !== 'success'),
		};
	}
	return result;
}
