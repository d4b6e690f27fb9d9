/**
 * Shared test helper: a local HTTP stand-in (a real server on 127.0.0.1) for
 * the two publicly documented endpoints of Verotel's Control Center API:
 *   GET  <base>/dashboard/totals?output_currency=USD   (the credential test)
 *   POST <base>/sale/{saleID}/cancel                   (Subscription -> Cancel)
 * It checks HTTP Basic auth (401 otherwise) and answers 403 when the account's
 * API is not activated. Cancel: 200 {"is_success": true} for an active sale,
 * 412 "This sale is already cancelled." for a cancelled one, 404 otherwise.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ControlCenterRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
}

export interface ControlCenterServerOptions {
	username: string;
	password: string;
	/** false: every authenticated call answers 403 (API not activated for the account). */
	activated?: boolean;
	/** saleID -> state; cancelling an active sale makes it cancelled. */
	sales?: Record<string, 'active' | 'cancelled'>;
	/** Path prefix of the API, as in https://controlcenter.verotel.com/api. */
	prefix?: string;
}

export interface ControlCenterServer {
	/** e.g. http://127.0.0.1:41234/api */
	baseUrl: string;
	requests: ControlCenterRequest[];
	sales: Record<string, 'active' | 'cancelled'>;
	close(): Promise<void>;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'Content-Type': 'application/json' });
	response.end(JSON.stringify(body));
}

export async function startControlCenterServer(options: ControlCenterServerOptions): Promise<ControlCenterServer> {
	const prefix = options.prefix ?? '/api';
	const sales = { ...(options.sales ?? {}) };
	const requests: ControlCenterRequest[] = [];
	const expectedAuth = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;

	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://stand-in');
		requests.push({
			method: request.method ?? '',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams.entries()),
			headers: request.headers,
		});
		request.resume();
		request.on('end', () => {
			if (request.headers.authorization !== expectedAuth) {
				return json(response, 401, { error: { title: 'Invalid credentials.' } });
			}
			if (options.activated === false) {
				return json(response, 403, { error: { title: 'API access is not allowed.' } });
			}
			if (!url.pathname.startsWith(`${prefix}/`)) return json(response, 404, { error: { title: 'Not found.' } });
			const path = url.pathname.slice(prefix.length);
			if (request.method === 'GET' && path === '/dashboard/totals') {
				return json(response, 200, { currency: url.searchParams.get('output_currency'), totals: [] });
			}
			const cancel = /^\/sale\/(\d+)\/cancel$/.exec(path);
			if (request.method === 'POST' && cancel) {
				const state = sales[cancel[1]];
				if (state === 'active') {
					sales[cancel[1]] = 'cancelled';
					return json(response, 200, { is_success: true });
				}
				if (state === 'cancelled') return json(response, 412, { error: { title: 'This sale is already cancelled.' } });
				return json(response, 404, { error: { title: 'Sale not found.' } });
			}
			return json(response, 404, { error: { title: 'Not found.' } });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}${prefix}`,
		requests,
		sales,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

export function basicAuth(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
