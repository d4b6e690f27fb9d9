// The types of control-center-stand-in.cjs, for the TypeScript that imports it
// (test/helpers/control-center-server.ts). Keep them in step with the .cjs.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface ControlCenterRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
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
	/** A sale the stand-in has not heard of counts as active (the demo); otherwise 404. */
	activeByDefault?: boolean;
}

export interface ControlCenterServer {
	/** e.g. http://127.0.0.1:41234/api */
	baseUrl: string;
	requests: ControlCenterRequest[];
	sales: Record<string, 'active' | 'cancelled'>;
	close(): Promise<void>;
}

/** The API's request handling, to mount in any node:http server. */
export interface ControlCenter {
	prefix: string;
	requests: ControlCenterRequest[];
	sales: Record<string, 'active' | 'cancelled'>;
	handles(pathname: string): boolean;
	handle(request: IncomingMessage, response: ServerResponse): void;
}

export function createControlCenter(options: ControlCenterServerOptions): ControlCenter;

/** The stand-in as a server of its own on 127.0.0.1 (a free port). */
export function startControlCenterServer(
	options: ControlCenterServerOptions,
): Promise<ControlCenterServer>;

export function basicAuth(username: string, password: string): string;
