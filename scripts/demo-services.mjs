// Local stand-ins for what a merchant's workflow talks to, on two ports: an SMTP sink (the mail
// server, scripts/demo/smtp-sink.mjs) and one HTTP server with a CRM endpoint (/crm/,
// scripts/demo/crm.mjs), Verotel's sale status service (/salestatus, scripts/demo/sale-status.mjs),
// Verotel's order page (/startorder, scripts/demo/order-page.mjs) and Verotel's Control Center
// API (under /api, scripts/control-center-stand-in.cjs). `npm start` runs them so the example
// workflows work end to end on one machine, and the e2e suites run them to assert what the
// workflows really sent: every mail, CRM request and status request is kept, and everything the
// services receive is reported to onEvent.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

import { createCrm } from './demo/crm.mjs';
import { orderPage, payOrder } from './demo/order-page.mjs';
import { createSaleStatus, demoSale } from './demo/sale-status.mjs';
import { createSmtpSink } from './demo/smtp-sink.mjs';

const require = createRequire(import.meta.url);
const { createControlCenter } = require('./control-center-stand-in.cjs');

/** The Control Center API user the demo and the tests use (the stand-in checks Basic auth). */
export const DEMO_CONTROL_CENTER = Object.freeze({
	username: 'demo-api-user',
	password: 'demo-api-password',
});

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
	/** Test hook (interceptCrm): a CRM outage or a CRM that never answers. */
	let crmInterceptor;
	const saleStatus = createSaleStatus({ lib, flexpay, saleFor, saleOfOrder: crm.saleOfOrder });
	const emit = (event) => {
		try {
			onEvent(event);
		} catch {
			// a printing problem must not break the services
		}
	};

	const smtp = createSmtpSink((mail) => {
		mails.push(mail);
		emit({ kind: 'mail', ...mail });
	});

	const http = createServer((req, res) => {
		const url = new URL(req.url, 'http://127.0.0.1');
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			if (url.pathname === '/salestatus') {
				statusRequests.push({ query: url.search.slice(1), receivedAt: Date.now() });
				const answer = saleStatus.answer(url.search.slice(1));
				emit({
					kind: 'status',
					query: url.search.slice(1),
					response: /^response: (\w+)/.exec(answer)?.[1],
				});
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
				const request = {
					method: req.method,
					path: url.pathname,
					query: Object.fromEntries(url.searchParams),
					body: json ?? body,
					receivedAt: Date.now(),
				};
				crmRequests.push(request);
				emit({ kind: 'crm', ...request });
				const intercepted = crmInterceptor?.(request);
				if (intercepted === 'hold') return; // never answered (closed by stop())
				const { status, answer } = intercepted ?? crm.handle(request);
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(answer));
				return;
			}
			if (controlCenter.handles(url.pathname)) {
				controlCenter.handle(req, res);
				const last = controlCenter.requests[controlCenter.requests.length - 1];
				emit({
					kind: 'controlCenter',
					method: last.method,
					path: last.path,
					status: res.statusCode,
				});
				return;
			}
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
		});
	});

	/** The demo order page's "Pay" button: the signed purchase postback, answered with a page. */
	async function pay(orderQuery) {
		const { saleId, order, answer, html } = await payOrder({
			lib,
			flexpay,
			postbackUrl,
			orderQuery,
			beforeSend: saleStatus.recordPaid,
		});
		emit({
			kind: 'pay',
			saleId,
			referenceID: order.referenceID,
			status: answer.status,
			body: answer.body,
			ms: answer.ms,
		});
		return html;
	}

	const ports = { smtp: await listen(smtp.server, smtpPort), http: await listen(http, httpPort) };
	return {
		ports,
		baseUrl: `http://127.0.0.1:${ports.http}`,
		mails,
		crmRequests,
		statusRequests,
		/** The CRM's state: tokens (user -> balance), members (saleID -> membership), reviews (flagged decisions), orders (referenceID -> order). */
		crm: crm.state,
		/** Put an order into the CRM (status unpaid); `sale`: the status fields Verotel answers for its referenceID. */
		addOrder: crm.addOrder,
		/**
		 * What Verotel's status service answers for a saleID from now on: these fields over the made-up
		 * sale (9.99 EUR, APPROVED), e.g. the price of the postback about to be sent; null: NOTFOUND.
		 */
		setSale: saleStatus.setSale,
		/** The Control Center stand-in: its requests and its sales (saleID -> 'active' | 'cancelled'). */
		controlCenter: {
			baseUrl: `http://127.0.0.1:${ports.http}${controlCenter.prefix}`,
			requests: controlCenter.requests,
			sales: controlCenter.sales,
		},
		/**
		 * For tests: `intercept(request)` sees every CRM request first and answers `{ status, answer }`
		 * instead of the CRM (an outage), `'hold'` (no answer ever), or undefined (the CRM answers).
		 * Call without an argument to end it.
		 */
		interceptCrm(intercept) {
			crmInterceptor = intercept;
		},
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
