/**
 * Shared test helper: a local HTTP stand-in (a real server on 127.0.0.1) for
 * the two publicly documented endpoints of Verotel's Control Center API:
 *   GET  <base>/dashboard/totals?output_currency=USD   (the credential test)
 *   POST <base>/sale/{saleID}/cancel                   (Subscription -> Cancel)
 * It checks HTTP Basic auth (401 otherwise) and answers 403 when the account's
 * API is not activated. Cancel: 200 {"is_success": true} for an active sale,
 * 412 "This sale is already cancelled." for a cancelled one, 404 otherwise.
 *
 * The stand-in itself lives in scripts/control-center-stand-in.cjs, which the
 * demo services (`npm start`, the e2e suites) mount as well; this file types it.
 */
import type * as http from 'node:http';

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

interface StandIn {
	startControlCenterServer(options: ControlCenterServerOptions): Promise<ControlCenterServer>;
	basicAuth(username: string, password: string): string;
}

const standIn = require('../../scripts/control-center-stand-in.cjs') as StandIn;

export async function startControlCenterServer(options: ControlCenterServerOptions): Promise<ControlCenterServer> {
	return await standIn.startControlCenterServer(options);
}

export function basicAuth(username: string, password: string): string {
	return standIn.basicAuth(username, password);
}
