// The example workflows (examples/*.json) and the credentials they reference, ready to import
// into a local n8n. Used by `npm start` (scripts/start.mjs) and the e2e suite (test/e2e/).
//
//   import { loadExamples, exampleCredentials, EXAMPLES } from './examples.mjs';
//   const workflows = loadExamples({ crmBaseUrl: 'http://127.0.0.1:5680' });
//   const credentials = exampleCredentials({ flexpay: { shopId, signatureKey, brand, baseUrl }, smtp: { host, port } });
//
// The JSON files are exactly what a user imports into their own n8n (Workflows -> Import from
// File). The only thing that differs between a merchant's n8n, `npm start` and the tests is
// where the CRM lives: the examples call it at https://crm.example.com (CRM_PLACEHOLDER), and
// loadExamples() replaces that origin with the one given. The SMTP server and the FlexPay shop
// are not in the workflows at all: they are in the credentials the workflows reference by id and
// name (FLEXPAY_CREDENTIAL, SMTP_CREDENTIAL), which exampleCredentials() builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	'..',
	'examples',
);

/** The CRM origin the example workflows call; replaced on import by loadExamples(). */
export const CRM_PLACEHOLDER = 'https://crm.example.com';

/**
 * The n8n the recovery template calls through n8n's public API (its *Re-run it* node; the n8n
 * nodes take it from the n8n API credential): n8n's own default address. loadExamples() replaces
 * it with `n8nBaseUrl` when that is given.
 */
export const N8N_PLACEHOLDER = 'http://localhost:5678';

/** The credentials the examples reference (id + name, as n8n exports them). */
export const FLEXPAY_CREDENTIAL = Object.freeze({
	id: 'FlexPayShopCred1',
	name: 'Verotel FlexPay account',
	type: 'verotelFlexPayApi',
});
export const SMTP_CREDENTIAL = Object.freeze({
	id: 'ShopSmtpMailer01',
	name: 'Shop mail server (SMTP)',
	type: 'smtp',
});
export const CONTROL_CENTER_CREDENTIAL = Object.freeze({
	id: 'VerotelCCApiCred',
	name: 'Verotel Control Center API account',
	type: 'verotelControlCenterApi',
});
/** n8n's own public API (the recovery template lists and re-runs executions with it). */
export const N8N_API_CREDENTIAL = Object.freeze({
	id: 'N8nPublicApiCred',
	name: 'n8n API (this n8n)',
	type: 'n8nApi',
});

/** Facts about each example that the start script and the tests need. */
export const EXAMPLES = Object.freeze({
	postbacks: Object.freeze({
		file: 'verotel-postbacks.json',
		workflowId: 'FlexPayPostbacks',
		triggerNode: 'Verotel FlexPay Trigger',
		/** Production URL path after /webhook/: <webhookId>/<path of the trigger> */
		webhookPath: '0f5c3f0e-8a51-4d7e-9b1a-5a3c2e7d9f01/webhook',
	}),
	order: Object.freeze({
		file: 'verotel-order-purchase-link.json',
		workflowId: 'FlexPayOrderLink',
		actionNode: 'Create purchase URL',
		/** The Webhook node's path (POST). */
		webhookPath: 'flexpay-order',
	}),
	tokens: Object.freeze({
		file: 'verotel-token-credit.json',
		workflowId: 'FlexPayTokenCredit',
		triggerNode: 'Verotel FlexPay Trigger',
		webhookPath: '2a7c4e90-1b3d-4f5a-8c6e-7d9f0a1b2c01/webhook',
		creditNode: 'Credit the tokens',
		debitNode: 'Debit the tokens',
	}),
	membership: Object.freeze({
		file: 'verotel-membership.json',
		workflowId: 'FlexPayMembership',
		triggerNode: 'Verotel FlexPay Trigger',
		webhookPath: '4c9e6a12-3d5f-4b7a-9e0c-1f2a3b4c5d01/webhook',
		/** The second entry point: POST { saleID } cancels that subscription in Verotel. */
		cancelWebhookPath: 'flexpay-member-cancel',
		cancelNode: 'Cancel the subscription',
		/** Where access.review items go (a partial or unknown credit, an upgrade naming no older sale). */
		reviewNode: 'Flag for review in the CRM',
	}),
	alert: Object.freeze({
		file: 'verotel-chargeback-alert.json',
		workflowId: 'FlexPayChargebackAlert',
		/** A sub-workflow: the postbacks example's "Alert on the chargeback or refund" starts it. */
		entryNode: 'When called by the postback workflow',
		callerNode: 'Alert on the chargeback or refund',
		mailNode: 'E-mail the alert',
		blockNode: 'Block the buyer in the CRM',
	}),
	reconciliation: Object.freeze({
		file: 'verotel-reconciliation.json',
		workflowId: 'FlexPayReconcile',
		scheduleNode: 'Every hour',
		/** Beside the schedule: "Execute workflow" in the editor, or `n8n execute --id=<workflowId>`. */
		manualNode: 'Run now',
		statusNode: 'Look up the sale by reference',
		fulfilNode: 'Fulfil the order in the CRM',
	}),
	expirySafetyNet: Object.freeze({
		file: 'verotel-expiry-safety-net.json',
		workflowId: 'FlexPayExpirySafetyNet',
		scheduleNode: 'Every hour',
		/** Beside the schedule: "Execute workflow" in the editor, or `n8n execute --id=<workflowId>`. */
		manualNode: 'Run now',
		/** The one place the merchant sets the grace period and the report's recipient. */
		settingsNode: 'Settings',
		revokeNode: 'Revoke the membership',
		reportNode: 'E-mail the members without an end',
	}),
	recovery: Object.freeze({
		file: 'verotel-recovery.json',
		workflowId: 'FlexPayRecovery',
		scheduleNode: 'Every hour',
		/** Beside the schedule: "Execute workflow" in the editor, or `n8n execute --id=<workflowId>`. */
		manualNode: 'Run now',
		/** Its output: what it re-ran, what it did not, which orders it fulfilled. */
		reportNodes: Object.freeze({
			rerun: 'Report the re-run',
			notRerun: 'Report what could not be re-run',
			fulfilled: 'Report the fulfilment',
		}),
	}),
});

/** The origin (scheme://host[:port]) of a base URL, without a trailing slash. */
function originOf(url) {
	const parsed = new URL(url);
	if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
		throw new Error(`crmBaseUrl must be an origin such as http://127.0.0.1:5680, got ${url}`);
	}
	return parsed.origin;
}

/** Replace every occurrence of `from` in the string values of a JSON value. */
function replaceInStrings(value, from, to) {
	if (typeof value === 'string') return value.split(from).join(to);
	if (Array.isArray(value)) return value.map((v) => replaceInStrings(v, from, to));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, replaceInStrings(v, from, to)]),
		);
	}
	return value;
}

/** One example workflow as stored in examples/ (parsed, unchanged). */
export function readExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

/**
 * Every example workflow, with the CRM placeholder origin replaced by `crmBaseUrl` and n8n's
 * (N8N_PLACEHOLDER) by `n8nBaseUrl` (leave one out to keep its placeholder). Order: EXAMPLES
 * order, then any other examples/*.json by name.
 */
export function loadExamples({ crmBaseUrl, n8nBaseUrl } = {}) {
	const known = Object.values(EXAMPLES).map((e) => e.file);
	const others = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json') && !known.includes(f))
		.sort();
	const to = crmBaseUrl ? originOf(crmBaseUrl) : CRM_PLACEHOLDER;
	const n8nTo = n8nBaseUrl ? originOf(n8nBaseUrl) : N8N_PLACEHOLDER;
	return [...known, ...others].map((file) =>
		replaceInStrings(
			replaceInStrings(readExample(file), CRM_PLACEHOLDER, to),
			N8N_PLACEHOLDER,
			n8nTo,
		),
	);
}

/**
 * The four credentials the examples use, in n8n's import format (plain `data`, encrypted by n8n
 * on import). Without `controlCenter`, the Control Center credential has an empty API user and
 * Verotel's own address (cancelling then fails with 401 until the user fills it in). Without
 * `n8nApi`, the n8n API credential has no key (an API key exists only once n8n runs: see
 * scripts/n8n/api-key.mjs) and n8n's default address.
 * @param {{ flexpay: { shopId: string, signatureKey: string, brand?: string, baseUrl?: string },
 *           smtp: { host: string, port: number, user?: string, password?: string, secure?: boolean },
 *           controlCenter?: { username: string, password: string, baseUrl?: string, apiVersion?: string },
 *           n8nApi?: { apiKey: string, baseUrl: string } }} settings
 */
export function exampleCredentials({ flexpay, smtp, controlCenter, n8nApi }) {
	return [
		{
			id: FLEXPAY_CREDENTIAL.id,
			name: FLEXPAY_CREDENTIAL.name,
			type: FLEXPAY_CREDENTIAL.type,
			data: {
				shopId: String(flexpay.shopId),
				signatureKey: flexpay.signatureKey,
				brand: flexpay.brand || 'verotel',
				baseUrl: flexpay.baseUrl || '',
			},
		},
		{
			id: SMTP_CREDENTIAL.id,
			name: SMTP_CREDENTIAL.name,
			type: SMTP_CREDENTIAL.type,
			data: {
				user: smtp.user ?? '',
				password: smtp.password ?? '',
				host: smtp.host,
				port: Number(smtp.port),
				secure: Boolean(smtp.secure),
				// The local SMTP sink offers no STARTTLS; a real server gets what the user sets.
				disableStartTls: smtp.secure ? false : !smtp.startTls,
				hostName: '',
			},
		},
		{
			id: CONTROL_CENTER_CREDENTIAL.id,
			name: CONTROL_CENTER_CREDENTIAL.name,
			type: CONTROL_CENTER_CREDENTIAL.type,
			data: {
				username: controlCenter?.username ?? '',
				password: controlCenter?.password ?? '',
				// Leaving them out takes the credential's defaults (Verotel's API and version).
				...(controlCenter?.apiVersion ? { apiVersion: controlCenter.apiVersion } : {}),
				...(controlCenter?.baseUrl ? { baseUrl: controlCenter.baseUrl } : {}),
			},
		},
		n8nApiCredential(n8nApi),
	];
}

/** The n8n API credential of the examples: a key for this n8n and its API address (…/api/v1). */
export function n8nApiCredential({ apiKey = '', baseUrl = N8N_PLACEHOLDER } = {}) {
	return {
		id: N8N_API_CREDENTIAL.id,
		name: N8N_API_CREDENTIAL.name,
		type: N8N_API_CREDENTIAL.type,
		data: { apiKey, baseUrl: `${originOf(baseUrl)}/api/v1` },
	};
}
