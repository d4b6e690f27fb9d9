// Local stand-ins for what a merchant's workflow talks to: an SMTP sink (the
// mail server), a CRM endpoint, Verotel's sale status service and Verotel's
// Control Center API (under /api, scripts/control-center-stand-in.cjs). `npm start`
// runs them so the example workflows work end to end on one machine, and the
// e2e suites run them to assert what the workflows really sent.
//
// The CRM keeps just enough state for the templates of examples/: token balances
// (POST /crm/tokens/credit|debit), memberships (POST /crm/members/grant|extend|revoke)
// and orders (GET /crm/orders?status=unpaid, POST /crm/orders/<referenceID>/fulfil).
// A request whose idempotencyKey it has seen changes nothing a second time. Any other
// /crm/ request is recorded and answered {"ok":true}.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { SMTPServer } from 'smtp-server';

const require = createRequire(import.meta.url);
const { createControlCenter } = require('./control-center-stand-in.cjs');

/** The Control Center API user the demo and the tests use (the stand-in checks Basic auth). */
export const DEMO_CONTROL_CENTER = Object.freeze({ username: 'demo-api-user', password: 'demo-api-password' });

function listen(server, port = 0) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve(server.address().port));
	});
}

/**
 * @param {object} options
 * @param {{ shopId: string, signatureKey: string }} options.flexpay  the shop the status service serves
 * @param {(saleID: string) => Record<string,string> | undefined} [options.saleFor]  status fields for a sale, undefined = NOTFOUND
 * @param {(event: { kind: 'mail' | 'crm' | 'status' | 'order' | 'pay', [key: string]: unknown }) => void} [options.onEvent]
 *   called for everything the services receive (`npm start` prints it)
 * @param {string} [options.postbackUrl] where the demo order page's "Pay" button sends the signed
 *   postback (the trigger's production URL); also settable later with setPostbackUrl()
 * @param {{ username: string, password: string }} [options.controlCenter] the API user the Control
 *   Center stand-in (/api) accepts; every sale counts as an active subscription until cancelled
 */
export async function startDemoServices({
	flexpay,
	saleFor = demoSale,
	smtpPort = 0,
	httpPort = 0,
	onEvent = () => {},
	postbackUrl,
	controlCenter: controlCenterUser = DEMO_CONTROL_CENTER,
} = {}) {
	const lib = require('../index.js');
	const mails = [];
	const crmRequests = [];
	const statusRequests = [];
	const controlCenter = createControlCenter({ ...controlCenterUser, activeByDefault: true });
	const crm = createCrm();
	/** Sales "paid" on the demo order page: saleID -> the order's fields (the status service answers with them). */
	const paidSales = new Map();
	const statusFor = (lookup) => {
		// By referenceID: the sale of a CRM order, if Verotel "has" one (addOrder({ sale })).
		if (lookup.referenceID !== undefined) return crm.saleOfOrder(lookup.referenceID);
		const saleID = lookup.saleID;
		if (saleID === undefined) return undefined;
		const paid = paidSales.get(saleID);
		const base = saleFor(saleID);
		return paid && base ? { ...base, ...paid } : base;
	};
	const emit = (event) => {
		try {
			onEvent(event);
		} catch {
			// a printing problem must not break the services
		}
	};

	const smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onAuth(auth, session, callback) {
			callback(null, { user: auth.username });
		},
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				const mail = {
					from: session.envelope.mailFrom && session.envelope.mailFrom.address,
					to: session.envelope.rcptTo.map((r) => r.address),
					subject: (/^Subject: (.*)$/im.exec(raw) || [])[1],
					raw,
				};
				mails.push(mail);
				emit({ kind: 'mail', ...mail });
				callback();
			});
		},
	});

	const http = createServer((req, res) => {
		const url = new URL(req.url, 'http://127.0.0.1');
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			if (url.pathname === '/salestatus') {
				statusRequests.push({ query: url.search.slice(1), receivedAt: Date.now() });
				const answer = statusAnswer(lib, flexpay, url.search.slice(1), statusFor);
				emit({ kind: 'status', query: url.search.slice(1), response: /^response: (\w+)/.exec(answer)?.[1] });
				res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
				res.end(answer);
				return;
			}
			if (url.pathname === '/startorder' && req.method === 'GET') {
				const page = orderPage(lib, flexpay, url.search.slice(1));
				emit({ kind: 'order', valid: page.valid, params: page.params });
				res.writeHead(page.valid ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
				res.end(page.html);
				return;
			}
			if (url.pathname === '/startorder/pay' && req.method === 'POST') {
				pay(new URLSearchParams(body).get('order') ?? '').then(
					(html) => {
						res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
						res.end(html);
					},
					(error) => {
						res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
						res.end(`The simulated payment failed: ${error.message}`);
					},
				);
				return;
			}
			if (url.pathname.startsWith('/crm/')) {
				let json;
				try {
					json = body ? JSON.parse(body) : undefined;
				} catch {
					json = undefined;
				}
				const request = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: json ?? body, receivedAt: Date.now() };
				crmRequests.push(request);
				emit({ kind: 'crm', ...request });
				const { status, answer } = crm.handle(request);
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(answer));
				return;
			}
			if (controlCenter.handles(url.pathname)) {
				controlCenter.handle(req, res);
				const last = controlCenter.requests[controlCenter.requests.length - 1];
				emit({ kind: 'controlCenter', method: last.method, path: last.path, status: res.statusCode });
				return;
			}
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
		});
	});

	/** The demo order page's "Pay" button: a signed purchase postback for that order, sent to the trigger. */
	async function pay(orderQuery) {
		const page = orderPage(lib, flexpay, orderQuery);
		if (!page.valid) throw new Error('the order link is not correctly signed');
		if (!postbackUrl) throw new Error('no postback URL configured');
		const { buildPostback, sendPostback } = await import('./postback.mjs');
		const order = page.params;
		const saleId = String(Math.floor(1e6 + Math.random() * 9e6));
		if (order.email) paidSales.set(saleId, { email: order.email, priceAmount: order.priceAmount, priceCurrency: order.priceCurrency });
		const query = buildPostback({
			event: 'purchase',
			saleId,
			referenceId: order.referenceID,
			amount: order.priceAmount,
			currency: order.priceCurrency,
			custom1: order.custom1,
			shopId: flexpay.shopId,
			key: flexpay.signatureKey,
		});
		const answer = await sendPostback(postbackUrl, query);
		emit({ kind: 'pay', saleId, referenceID: order.referenceID, status: answer.status, body: answer.body, ms: answer.ms });
		return page.paidHtml(saleId, answer);
	}

	const ports = { smtp: await listen(smtp.server, smtpPort), http: await listen(http, httpPort) };
	return {
		ports,
		baseUrl: `http://127.0.0.1:${ports.http}`,
		mails,
		crmRequests,
		statusRequests,
		/** The CRM's state: tokens (user -> balance), members (saleID -> membership), orders (referenceID -> order). */
		crm: crm.state,
		/** Put an order into the CRM (status unpaid); `sale`: the status fields Verotel answers for its referenceID. */
		addOrder: crm.addOrder,
		/** The Control Center stand-in: its requests and its sales (saleID -> 'active' | 'cancelled'). */
		controlCenter: { baseUrl: `http://127.0.0.1:${ports.http}${controlCenter.prefix}`, requests: controlCenter.requests, sales: controlCenter.sales },
		setPostbackUrl(url) {
			postbackUrl = url;
		},
		async stop() {
			await new Promise((r) => smtp.close(r));
			http.closeAllConnections?.();
			await new Promise((r) => http.close(r));
		},
	};
}

/** Verotel's status service as far as the evidence goes: signed request, `key: value` answer. */
function statusAnswer(lib, flexpay, query, saleFor) {
	let params;
	try {
		params = lib.parseRawQuery(query);
	} catch {
		return 'response: ERROR\nerror: Malformed request\n';
	}
	const { signature, ...rest } = params;
	if (rest.shopID !== String(flexpay.shopId) || !signature || lib.signRequest(flexpay.signatureKey, rest) !== signature.toLowerCase()) {
		return 'response: ERROR\nerror: Invalid signature\n';
	}
	const sale = saleFor({ saleID: rest.saleID, referenceID: rest.referenceID });
	if (!sale) return 'response: NOTFOUND\n';
	const identity = rest.saleID !== undefined ? { saleID: rest.saleID } : { referenceID: rest.referenceID };
	return ['response: FOUND', ...Object.entries({ shopID: rest.shopID, ...identity, ...sale }).map(([k, v]) => `${k}: ${v}`), ''].join('\n');
}

/**
 * The CRM stand-in's state and rules. Every change is keyed by the request's idempotencyKey: a
 * repeated key changes nothing and is answered { ok: true, duplicate: true }.
 */
function createCrm() {
	const state = {
		/** user (custom1) -> token balance */
		tokens: new Map(),
		/** saleID -> { saleID, user, until, active, replacedBy?, revokedAt? } */
		members: new Map(),
		/** referenceID -> { referenceID, amount, currency, status: 'unpaid' | 'paid', saleID?, fulfilments } */
		orders: new Map(),
		/** referenceID -> the sale-status fields Verotel answers for it */
		orderSales: new Map(),
		/** idempotency keys already applied */
		applied: new Set(),
	};
	const ok = (answer = {}) => ({ status: 200, answer: { ok: true, ...answer } });
	const bad = (message) => ({ status: 400, answer: { ok: false, error: message } });

	/** Apply `change` once per idempotency key (a request without a key is applied every time). */
	function once(body, change) {
		const key = body?.idempotencyKey;
		if (key !== undefined && state.applied.has(key)) return ok({ duplicate: true });
		const result = change();
		if (result.status === 200 && key !== undefined) state.applied.add(key);
		return result;
	}

	function tokens(body, sign) {
		if (!body?.user || !Number.isInteger(body.tokens) || body.tokens < 0) return bad('user and a whole number of tokens are required');
		return once(body, () => {
			const balance = (state.tokens.get(body.user) ?? 0) + sign * body.tokens;
			state.tokens.set(body.user, balance);
			return ok({ user: body.user, balance });
		});
	}

	function handle({ method, path, query, body }) {
		if (method === 'POST' && path === '/crm/tokens/credit') return tokens(body, 1);
		if (method === 'POST' && path === '/crm/tokens/debit') return tokens(body, -1);
		if (method === 'POST' && path.startsWith('/crm/members/')) {
			if (!body?.saleID) return bad('saleID is required');
			const action = path.slice('/crm/members/'.length);
			return once(body, () => {
				const member = state.members.get(body.saleID);
				if (action === 'grant') {
					state.members.set(body.saleID, { saleID: body.saleID, user: body.user ?? member?.user, until: body.until ?? null, active: true });
					const replaced = body.replacesSaleID ? state.members.get(body.replacesSaleID) : undefined;
					if (replaced) Object.assign(replaced, { active: false, replacedBy: body.saleID });
					return ok({ member: state.members.get(body.saleID) });
				}
				if (!member) return { status: 404, answer: { ok: false, error: `no membership for sale ${body.saleID}` } };
				if (action === 'extend') Object.assign(member, { until: body.until ?? member.until, active: true });
				else if (action === 'revoke') Object.assign(member, { active: false, revokedAt: new Date().toISOString() });
				else return { status: 404, answer: { ok: false, error: 'not found' } };
				return ok({ member });
			});
		}
		if (method === 'GET' && path === '/crm/orders') {
			const orders = [...state.orders.values()].filter((o) => !query?.status || o.status === query.status);
			return ok({ orders: orders.map(({ referenceID, amount, currency, status }) => ({ referenceID, amount, currency, status })) });
		}
		const fulfil = /^\/crm\/orders\/([^/]+)\/fulfil$/.exec(path);
		if (method === 'POST' && fulfil) {
			const order = state.orders.get(decodeURIComponent(fulfil[1]));
			if (!order) return { status: 404, answer: { ok: false, error: 'no such order' } };
			return once(body, () => {
				order.fulfilments += 1;
				Object.assign(order, { status: 'paid', saleID: body?.saleID ?? order.saleID });
				return ok({ order });
			});
		}
		return ok();
	}

	function addOrder({ referenceID, amount = '9.99', currency = 'EUR', sale }) {
		state.orders.set(referenceID, { referenceID, amount, currency, status: 'unpaid', fulfilments: 0 });
		if (sale) state.orderSales.set(referenceID, sale);
		else state.orderSales.delete(referenceID);
		return state.orders.get(referenceID);
	}

	return { state, handle, addOrder, saleOfOrder: (referenceID) => state.orderSales.get(referenceID) };
}

const escapeHtml = (text) =>
	String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * A stand-in for Verotel's order page: checks the link's signature the way FlexPay does and offers
 * a "Pay" button that makes the demo send the signed purchase postback Verotel would send.
 */
function orderPage(lib, flexpay, query) {
	let params = {};
	let valid = false;
	let problem = '';
	try {
		params = lib.parseRawQuery(query);
		const { signature, ...rest } = params;
		if (rest.shopID !== String(flexpay.shopId)) problem = `the link is for shop ${rest.shopID}, this demo serves shop ${flexpay.shopId}`;
		else if (!signature || lib.signRequest(flexpay.signatureKey, rest) !== String(signature).toLowerCase()) problem = 'the signature does not match';
		else valid = true;
	} catch (error) {
		problem = error.message;
	}
	const rows = Object.entries(params)
		.filter(([key]) => key !== 'signature')
		.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
		.join('');
	const shell = (body) =>
		`<!doctype html><html><head><meta charset="utf-8"><title>Demo order page</title><style>body{font-family:sans-serif;max-width:40em;margin:2em auto}th{text-align:left;padding-right:1em}.ok{color:#080}.bad{color:#b00}</style></head><body><h1>Demo order page</h1><p>This page stands in for Verotel's FlexPay order page (<code>npm start</code> demo).</p>${body}</body></html>`;
	const html = shell(
		valid
			? `<p class="ok">Signature valid: this link was signed with the shop's key.</p><table>${rows}</table><form method="post" action="/startorder/pay"><input type="hidden" name="order" value="${escapeHtml(query)}"><p><button type="submit">Pay ${escapeHtml(params.priceAmount ?? '')} ${escapeHtml(params.priceCurrency ?? '')} (simulated)</button></p></form><p>"Pay" sends the signed purchase postback Verotel would send to your n8n trigger.</p>`
			: `<p class="bad">This link would be refused: ${escapeHtml(problem)}.</p><table>${rows}</table>`,
	);
	const paidHtml = (saleId, answer) =>
		shell(
			`<p class="${answer.status === 200 && answer.body === 'OK' ? 'ok' : 'bad'}">Paid (simulated): sale ${escapeHtml(saleId)}. The n8n trigger answered HTTP ${answer.status} <code>${escapeHtml(answer.body)}</code> in ${Math.round(answer.ms)} ms.</p><p>The workflow now looks the sale up, e-mails the buyer and records the sale in the CRM: watch the terminal that runs <code>npm start</code>.</p>`,
		);
	return { valid, params, html, paidHtml };
}

/** The demo shop knows every sale: a made-up buyer per saleID. */
export function demoSale(saleID) {
	return {
		saleResult: 'APPROVED',
		priceAmount: '9.99',
		priceCurrency: 'EUR',
		email: `buyer-${saleID}@example.com`,
		createdOn: new Date().toISOString().slice(0, 19).replace('T', ' '),
		billingAddr_fullName: 'Demo Buyer',
		billingAddr_city: 'Amsterdam',
		billingAddr_country: 'NL',
	};
}
