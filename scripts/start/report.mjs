// What `npm start` prints once n8n is up: what to open, paste and run, then what the demo
// services receive and every execution as it finishes.
import { createRequire } from 'node:module';

import { EXAMPLES, loadExamples } from '../examples.mjs';

const require = createRequire(import.meta.url);

const workflowNames = Object.fromEntries(
	loadExamples().map((w) => [
		Object.keys(EXAMPLES).find((k) => EXAMPLES[k].workflowId === w.id),
		w.name,
	]),
);
function workflowName(key) {
	return workflowNames[key] ?? key;
}

function brandHost(brand) {
	try {
		return require('../../index.js').BRANDS[brand]?.baseUrl ?? `the ${brand} FlexPay host`;
	} catch {
		return `the ${brand} FlexPay host`;
	}
}

/**
 * What to do next: the editor, the login, the postback URL for Control Center, the purchase link
 * and the test postback command.
 */
export function printSummary({
	n8n,
	pkg,
	startedIn,
	login,
	shop,
	statusBaseUrl,
	publicUrl,
	localPostbackUrl,
	purchaseUrl,
	purchaseNote,
}) {
	const productionUrl = `${publicUrl || `${n8n.baseUrl}/`}webhook/${EXAMPLES.postbacks.webhookPath}`;
	const shopLine = shop.isDemo
		? `demo shop ${shop.shopId} (public demo key); for your website set FLEXPAY_SHOP_ID and FLEXPAY_SIGNATURE_KEY`
		: `shop ${shop.shopId} (${shop.brand}), key from FLEXPAY_SIGNATURE_KEY; sale status from ${statusBaseUrl || brandHost(shop.brand)}`;
	// --as-verotel: the demo shop's postbacks stand in for Verotel's, so they run on the production URL.
	const postbackCommand = `npm run postback -- --url ${localPostbackUrl} --as-verotel`;
	const out = [
		'',
		'='.repeat(100),
		`  n8n ${n8n.version} with ${pkg.name} ${pkg.version} is running (started in ${startedIn})`,
		'',
		`  Editor          ${n8n.baseUrl}/`,
		`  Log in          ${login}`,
		`  Shop            ${shopLine}`,
		'',
		'  Postback URL    (paste into Control Center: Setup Websites -> your website -> FlexPay options ->',
		'                  "Flexpay postback script URL"; Verotel must be able to reach it, see --public-url)',
		`                  ${productionUrl}`,
		'',
		`  Purchase link   made by the Verotel FlexPay node in "${workflowName('order')}" (${purchaseNote}):`,
		`                  ${purchaseUrl || '-'}`,
		shop.isDemo && purchaseUrl
			? '                  (the demo order page: open it and press "Pay" to send the postback Verotel would send)'
			: '',
		'',
		'  Test postback   a correctly signed purchase postback to the local trigger (--event credit, --tamper, ...):',
		`                  ${shop.isDemo ? '' : 'FLEXPAY_SHOP_ID=... FLEXPAY_SIGNATURE_KEY=... '}${postbackCommand}`,
		'',
		`  Workflows       "${workflowName('postbacks')}"`,
		`                  "${workflowName('order')}"  (POST ${n8n.webhookUrl(EXAMPLES.order.webhookPath)})`,
		`  n8n log         ${n8n.logFile}`,
		'',
		'  Mails, CRM calls and status look-ups of the demo services appear below. Ctrl-C stops everything.',
		'='.repeat(100),
		'',
	];
	console.log(out.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n'));
}

/** One line per thing the demo services receive (their onEvent). */
export function printEvent(event) {
	if (event.kind === 'mail') console.log(`[mail] to ${event.to.join(', ')}: "${event.subject}"`);
	else if (event.kind === 'crm')
		console.log(`[crm]  ${event.method} ${event.path} ${JSON.stringify(event.body)}`);
	else if (event.kind === 'status')
		console.log(
			`[status] sale-status look-up (${new URLSearchParams(event.query).get('saleID') ? `saleID ${new URLSearchParams(event.query).get('saleID')}` : event.query.replace(/signature=[0-9a-f]+/, 'signature=…')}): ${event.response}`,
		);
	else if (event.kind === 'order')
		console.log(
			`[order page] ${event.valid ? 'valid' : 'INVALID'} link for ${event.params.priceAmount ?? '?'} ${event.params.priceCurrency ?? ''} "${event.params.description ?? ''}"`,
		);
	else if (event.kind === 'controlCenter')
		console.log(`[control center] ${event.method} ${event.path}: HTTP ${event.status}`);
	else if (event.kind === 'pay')
		console.log(
			`[order page] paid (simulated): sale ${event.saleId}, postback answered HTTP ${event.status} ${JSON.stringify(event.body)} in ${Math.round(event.ms)} ms`,
		);
}

/**
 * Prints every execution of `n8n` that finishes from now on, every 2 s until `isStopping()`.
 * @returns {Promise<ReturnType<typeof setInterval>>} the timer, for clearInterval
 */
export async function reportExecutions(n8n, isStopping) {
	const seen = new Set((await n8n.executions()).map((e) => e.id));
	let polling = false;
	return setInterval(async () => {
		if (polling || isStopping()) return;
		polling = true;
		try {
			for (const execution of await n8n.executions()) {
				if (seen.has(execution.id) || ['new', 'running', 'waiting'].includes(execution.status))
					continue;
				seen.add(execution.id);
				const name = Object.values(EXAMPLES).find((e) => e.workflowId === execution.workflowId);
				const trigger = execution.nodes[EXAMPLES.postbacks.triggerNode]?.[0];
				const lookup =
					trigger?.saleLookup && !trigger.saleLookup.ok
						? `, sale look-up failed: ${trigger.saleLookup.reason}`
						: '';
				const unconfirmed =
					trigger?.saleLookup?.ok && trigger.confirmed === false
						? `, not confirmed: ${trigger.confirmation?.reason}`
						: '';
				const what = trigger
					? ` (${trigger.event} of sale ${trigger.saleID}${trigger.sale?.email ? `, buyer ${trigger.sale.email}` : ''}${lookup}${unconfirmed})`
					: '';
				const error = execution.error
					? ` in "${execution.error.node ?? '?'}": ${execution.error.message ?? ''}`
					: '';
				console.log(
					`[n8n]  execution ${execution.id} of "${name ? workflowName(Object.keys(EXAMPLES).find((k) => EXAMPLES[k] === name)) : execution.workflowId}": ${execution.status}${what}${error}`,
				);
			}
		} catch {
			// the database is busy or n8n is stopping: try again next time
		} finally {
			polling = false;
		}
	}, 2_000);
}
