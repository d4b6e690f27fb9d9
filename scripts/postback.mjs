#!/usr/bin/env node
// Postback simulator: sends a correctly signed FlexPay postback (or a broken one)
// to a trigger URL and prints the answer. Verotel's own test tool cannot reach
// a local n8n; this can. Developer tool only, not part of the npm package.
// In n8n itself: the Verotel FlexPay node's Postback -> Send Test Postback.
//
//   npm run postback -- --url http://127.0.0.1:5678/webhook/<id>/webhook [options]
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { request } from 'undici';
import { demoSettings } from './demo-config.mjs';

const require = createRequire(import.meta.url);

const HELP = `Usage: npm run postback -- --url <trigger URL> [options]

  --url <url>            the trigger's production or test URL (required)
  --event <name>         purchase (default), credit, chargeback, initial, rebill, cancel, expiry, ...
  --amount <n.nn>        price amount (default 9.99)
  --currency <code>      price currency (default EUR)
  --sale-id <id>         saleID (default: random)
  --transaction-id <id>  transactionID (default: random)
  --reference-id <id>    referenceID (default order-<saleID>)
  --custom1 <text>       custom1 pass-through value
  --buyer-email <addr>   the e-mail of the test postback's sample sale (Fetch Sale Details)
  --shop-id <id>         shopID (default FLEXPAY_SHOP_ID or the demo shop)
  --key <key>            signature key (default FLEXPAY_SIGNATURE_KEY or the demo key)
  --sha1                 sign with legacy SHA-1 instead of SHA-256
  --method <GET|POST>    GET query (what Verotel sends, default) or POST form body
  --tamper               change the amount after signing (expect 401)
  --as-verotel           leave out the test marker, as Verotel would (by default the postback
                         is a test postback: a production URL answers it OK without a run
                         unless the trigger's "Run Test Postbacks on the Production URL" is on)
  --repeat <n>           send the same postback n times (redelivery)
  --json                 print the result as JSON
`;

// The sample itself (which parameters each event carries, signing) comes from the
// protocol core, as the action node's Postback -> Send Test Postback uses it: one home.
export function buildPostback(options) {
	const flexpay = require('../index.js');
	const postback = flexpay.buildSamplePostback(
		{ shopId: options.shopId, signatureKey: options.key },
		{
			event: options.event,
			saleID: options.saleId,
			transactionID: options.transactionId,
			referenceID: options.referenceId,
			amount: options.amount,
			currency: options.currency,
			custom1: options.custom1,
			buyerEmail: options.buyerEmail,
			algorithm: options.sha1 ? 'sha1' : 'sha256',
			test: !options.asVerotel,
		},
	);
	if (!options.tamper) return postback.query;
	// Changed after signing: the trigger must answer 401.
	const sent = { ...postback.params };
	sent[sent.amount !== undefined ? 'amount' : 'priceAmount'] = '0.01';
	return flexpay.buildQueryString(Object.entries(sent));
}

export async function sendPostback(url, query, method = 'GET') {
	const started = performance.now();
	const target = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
	const response = await request(target, {
		method,
		headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
		body: method === 'POST' ? query : undefined,
		headersTimeout: 30_000,
		bodyTimeout: 30_000,
	});
	const body = await response.body.text();
	return { status: response.statusCode, body, ms: performance.now() - started };
}

async function main() {
	const { values } = parseArgs({
		options: {
			url: { type: 'string' },
			event: { type: 'string' },
			amount: { type: 'string' },
			currency: { type: 'string' },
			'sale-id': { type: 'string' },
			'transaction-id': { type: 'string' },
			'reference-id': { type: 'string' },
			custom1: { type: 'string' },
			'buyer-email': { type: 'string' },
			'shop-id': { type: 'string' },
			key: { type: 'string' },
			sha1: { type: 'boolean' },
			method: { type: 'string' },
			tamper: { type: 'boolean' },
			'as-verotel': { type: 'boolean' },
			repeat: { type: 'string' },
			json: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help || !values.url) {
		console.log(HELP);
		process.exit(values.help ? 0 : 2);
	}
	const settings = demoSettings();
	const method = (values.method ?? 'GET').toUpperCase();
	const query = buildPostback({
		event: values.event,
		amount: values.amount,
		currency: values.currency,
		saleId: values['sale-id'],
		transactionId: values['transaction-id'],
		referenceId: values['reference-id'],
		custom1: values.custom1,
		buyerEmail: values['buyer-email'],
		shopId: values['shop-id'] ?? settings.shopId,
		key: values.key ?? settings.signatureKey,
		sha1: values.sha1,
		tamper: values.tamper,
		asVerotel: values['as-verotel'],
	});
	const repeat = Math.max(1, Number(values.repeat ?? 1));
	let failed = false;
	for (let i = 0; i < repeat; i++) {
		const result = await sendPostback(values.url, query, method);
		failed ||= result.status !== 200 || result.body !== 'OK';
		if (values.json) console.log(JSON.stringify({ ...result, query }));
		else
			console.log(
				`${method} ${values.url} -> HTTP ${result.status} ${JSON.stringify(result.body)} in ${result.ms.toFixed(0)} ms`,
			);
	}
	if (!values.json) console.log(`sent: ${query.replace(/signature=[0-9a-f]+/, 'signature=<…>')}`);
	process.exit(failed && !values.tamper ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main().catch((error) => {
		console.error(`postback: ${error.message}`);
		process.exit(1);
	});
}
