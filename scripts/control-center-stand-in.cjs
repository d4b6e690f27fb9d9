// A local stand-in for the two publicly documented endpoints of Verotel's Control Center API:
//   GET  <base>/dashboard/totals?output_currency=USD   (the credential test)
//   POST <base>/sale/{saleID}/cancel                   (Subscription -> Cancel)
// It checks HTTP Basic auth (401 otherwise) and answers 403 when the account's API is not
// activated. Cancel: 200 {"is_success": true} for an active sale, 412 "This sale is already
// cancelled." for a cancelled one, 404 otherwise.
//
// One home for these facts: the jest helper (test/helpers/control-center-server.ts) starts it as
// a server of its own, scripts/demo-services.mjs mounts it under /api of the demo HTTP server
// (`npm start`, the e2e suites). CommonJS so that both ts-jest and the ES modules can load it.
'use strict';

const http = require('node:http');

function json(response, status, body) {
	response.writeHead(status, { 'Content-Type': 'application/json' });
	response.end(JSON.stringify(body));
}

/**
 * The API's request handling, to mount in any node:http server.
 * @param {{ username: string, password: string, activated?: boolean,
 *           sales?: Record<string, 'active' | 'cancelled'>, prefix?: string,
 *           activeByDefault?: boolean }} options
 *   activeByDefault: a sale the stand-in has not heard of counts as active (the demo: every sale
 *   a postback named can be cancelled once); otherwise it is 404 "Sale not found."
 * @returns {{ prefix: string, requests: Array<{ method: string, path: string, query: Record<string,string>, headers: object }>,
 *             sales: Record<string, 'active' | 'cancelled'>, handles(pathname: string): boolean,
 *             handle(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse): void }}
 */
function createControlCenter(options) {
	const prefix = options.prefix ?? '/api';
	const sales = { ...(options.sales ?? {}) };
	const requests = [];
	const expectedAuth = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;

	function answer(request, response, url) {
		if (request.headers.authorization !== expectedAuth) {
			return json(response, 401, { error: { title: 'Invalid credentials.' } });
		}
		if (options.activated === false) {
			return json(response, 403, { error: { title: 'API access is not allowed.' } });
		}
		if (!url.pathname.startsWith(`${prefix}/`))
			return json(response, 404, { error: { title: 'Not found.' } });
		const path = url.pathname.slice(prefix.length);
		if (request.method === 'GET' && path === '/dashboard/totals') {
			return json(response, 200, { currency: url.searchParams.get('output_currency'), totals: [] });
		}
		const cancel = /^\/sale\/(\d+)\/cancel$/.exec(path);
		if (request.method === 'POST' && cancel) {
			const saleID = cancel[1];
			const state = sales[saleID] ?? (options.activeByDefault ? 'active' : undefined);
			if (state === 'active') {
				sales[saleID] = 'cancelled';
				return json(response, 200, { is_success: true });
			}
			if (state === 'cancelled')
				return json(response, 412, { error: { title: 'This sale is already cancelled.' } });
			return json(response, 404, { error: { title: 'Sale not found.' } });
		}
		return json(response, 404, { error: { title: 'Not found.' } });
	}

	return {
		prefix,
		requests,
		sales,
		handles: (pathname) => pathname === prefix || pathname.startsWith(`${prefix}/`),
		handle(request, response) {
			const url = new URL(request.url ?? '/', 'http://stand-in');
			requests.push({
				method: request.method ?? '',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams.entries()),
				headers: request.headers,
			});
			if (request.readableEnded) return answer(request, response, url);
			request.resume();
			request.on('end', () => answer(request, response, url));
		},
	};
}

/** The stand-in as a server of its own on 127.0.0.1 (a free port). */
async function startControlCenterServer(options) {
	const api = createControlCenter(options);
	const server = http.createServer((request, response) => api.handle(request, response));
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		baseUrl: `http://127.0.0.1:${port}${api.prefix}`,
		requests: api.requests,
		sales: api.sales,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

function basicAuth(username, password) {
	return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

module.exports = { createControlCenter, startControlCenterServer, basicAuth };
