// What the real-n8n benchmark sends its postbacks to: one workflow per target in one n8n (the
// Verotel FlexPay Trigger, the minimal floor trigger, n8n's built-in Webhook node, and the FlexPay
// Trigger with a 5 s downstream), the credential they use and the request paths for each target.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PKG = 'n8n-nodes-verotel-flexpay';
const SHOP = '123456';
const KEY = ['bench', 'signature', 'key', 'not', 'secret'].join('-');
const CREDENTIAL = { id: 'benchCredential01', name: 'Bench shop' };

export const IDS = {
	flexpay: { workflow: 'bench0flexpay001', webhook: '6a1c1f3e-0b1e-4c55-9a11-000000000001' },
	floor: { workflow: 'bench0floor00001', webhook: '6a1c1f3e-0b1e-4c55-9a11-000000000002' },
	builtin: { workflow: 'bench0webhook001', path: 'bench-builtin' },
	slow: { workflow: 'bench0slow000001', webhook: '6a1c1f3e-0b1e-4c55-9a11-000000000004' },
};

/** The id of the FlexPay Trigger node in the workflow of `webhookId`. */
export const flexpayTriggerNodeId = (webhookId) => `${webhookId}-t`;

/** The targets measured under load: [name, workflowId, whether the answer must be 'OK']. */
export const TARGETS = [
	['flexpay', IDS.flexpay.workflow, true],
	['floor', IDS.floor.workflow, true],
	['builtin', IDS.builtin.workflow, false],
];

/** The production webhook paths n8n must serve before the bench starts. */
export const WEBHOOK_PATHS = [
	`${IDS.flexpay.webhook}/webhook`,
	`${IDS.floor.webhook}/webhook`,
	IDS.builtin.path,
	`${IDS.slow.webhook}/webhook`,
];

/** The FlexPay credential of the bench shop, as startN8n imports it. */
export const benchCredentials = () => [
	{
		...CREDENTIAL,
		type: 'verotelFlexPayApi',
		data: { shopId: SHOP, signatureKey: KEY, brand: 'verotel', baseUrl: '' },
	},
];

function noOp(name, position) {
	return {
		id: `${name}-noop`,
		name: 'No Operation',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position,
		parameters: {},
	};
}

function workflow(id, name, trigger, downstream = noOp(id, [250, 0])) {
	return {
		id,
		name,
		active: false,
		nodes: [trigger, downstream],
		connections: {
			[trigger.name]: { main: [[{ node: downstream.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The bench's workflows; `flexpayOptions`: the FlexPay Trigger's Options collection (default: none set). */
export function workflows(flexpayOptions) {
	const credentials = { verotelFlexPayApi: CREDENTIAL };
	const flexpayTrigger = (webhookId) => ({
		id: flexpayTriggerNodeId(webhookId),
		name: 'Verotel FlexPay Trigger',
		type: `${PKG}.verotelFlexPayTrigger`,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: flexpayOptions ? { options: flexpayOptions } : {},
		credentials,
	});
	return [
		workflow(IDS.flexpay.workflow, 'Bench: FlexPay Trigger', flexpayTrigger(IDS.flexpay.webhook)),
		workflow(IDS.floor.workflow, 'Bench: floor trigger', {
			id: 'floor-t',
			name: 'Floor Trigger',
			type: 'n8n-nodes-flexpay-bench-floor.floorTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId: IDS.floor.webhook,
			parameters: {},
		}),
		workflow(IDS.builtin.workflow, 'Bench: built-in Webhook', {
			id: 'builtin-t',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '6a1c1f3e-0b1e-4c55-9a11-000000000003',
			parameters: {
				httpMethod: 'GET',
				path: IDS.builtin.path,
				responseMode: 'onReceived',
				options: {},
			},
		}),
		workflow(
			IDS.slow.workflow,
			'Bench: FlexPay Trigger, 5 s downstream',
			flexpayTrigger(IDS.slow.webhook),
			{
				id: 'slow-wait',
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [250, 0],
				webhookId: '6a1c1f3e-0b1e-4c55-9a11-000000000005',
				parameters: { amount: 5, unit: 'seconds' },
			},
		),
	];
}

let saleCounter = 1_000_000;
/** The path of a correctly signed purchase postback of a new sale, to the FlexPay Trigger `webhookId`. */
export function signedPostbackPath(webhookId) {
	const flexpay = require('../index.js');
	const saleID = String(++saleCounter);
	const params = {
		shopID: SHOP,
		saleID,
		transactionID: String(50_000_000 + saleCounter),
		referenceID: `order-${saleID}`,
		priceAmount: '9.99',
		priceCurrency: 'EUR',
		paymentMethod: 'CC',
		type: 'purchase',
		CCBrand: 'VISA',
		truncatedPAN: 'XXXXXXXXXXXX1111',
	};
	const query = flexpay.buildQueryString(
		Object.entries({ ...params, signature: flexpay.computeSignature(KEY, params) }),
	);
	return `/webhook/${webhookId}/webhook?${query}`;
}

/** `n` request paths for `target` (flexpay: each a new sale). */
export function pathsFor(target, n) {
	const paths = [];
	for (let i = 0; i < n; i++) {
		if (target === 'flexpay') paths.push(signedPostbackPath(IDS.flexpay.webhook));
		else if (target === 'floor') paths.push(`/webhook/${IDS.floor.webhook}/webhook?i=${i}`);
		else paths.push(`/webhook/${IDS.builtin.path}?i=${i}`);
	}
	return paths;
}
