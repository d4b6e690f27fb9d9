// Local stand-ins for what a merchant's workflow talks to: an SMTP sink (the
// mail server), a CRM endpoint and Verotel's sale status service. `npm start`
// runs them so the example workflows work end to end on one machine, and the
// e2e suite runs them to assert what the workflows really sent.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { SMTPServer } from 'smtp-server';

const require = createRequire(import.meta.url);

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
 */
export async function startDemoServices({ flexpay, saleFor = demoSale, smtpPort = 0, httpPort = 0 } = {}) {
	const lib = require('../index.js');
	const mails = [];
	const crmRequests = [];
	const statusRequests = [];

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
				mails.push({
					from: session.envelope.mailFrom && session.envelope.mailFrom.address,
					to: session.envelope.rcptTo.map((r) => r.address),
					subject: (/^Subject: (.*)$/im.exec(raw) || [])[1],
					raw,
				});
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
				res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
				res.end(statusAnswer(lib, flexpay, url.search.slice(1), saleFor));
				return;
			}
			if (url.pathname.startsWith('/crm/')) {
				let json;
				try {
					json = body ? JSON.parse(body) : undefined;
				} catch {
					json = undefined;
				}
				crmRequests.push({ method: req.method, path: url.pathname, body: json ?? body, receivedAt: Date.now() });
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ ok: true }));
				return;
			}
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('not found');
		});
	});

	const ports = { smtp: await listen(smtp.server, smtpPort), http: await listen(http, httpPort) };
	return {
		ports,
		baseUrl: `http://127.0.0.1:${ports.http}`,
		mails,
		crmRequests,
		statusRequests,
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
	const sale = rest.saleID !== undefined ? saleFor(rest.saleID) : undefined;
	if (!sale) return 'response: NOTFOUND\n';
	return ['response: FOUND', ...Object.entries({ shopID: rest.shopID, saleID: rest.saleID, ...sale }).map(([k, v]) => `${k}: ${v}`), ''].join('\n');
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
