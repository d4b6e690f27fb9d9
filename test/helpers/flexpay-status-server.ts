/**
 * Shared test helper: a nock stand-in for FlexPay's `/salestatus` service that
 * checks the request signature the way Verotel does (an independent SHA-256
 * over `key:k=v:…` with keys in byte order, written here without the lib) and
 * answers `response: ERROR` to a wrong signature, `response: NOTFOUND` to an
 * unknown sale and the stored body to a known one.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';

export function referenceSignature(key: string, params: Record<string, string>): string {
	const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const canonical = [key, ...keys.map((k) => `${k}=${params[k]}`)].join(':');
	return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export const NOTFOUND_BODY = 'response: NOTFOUND\n';
export const ERROR_BODY = 'response: ERROR\nerror: Invalid signature\n';

export interface StatusServerOptions {
	baseUrl: string;
	shopId: string;
	signatureKey: string;
	/** Status bodies of known sales, keyed by `saleID:<id>` or `referenceID:<id>`. */
	sales?: Record<string, string>;
	/** Keep answering (default) or answer once. */
	persist?: boolean;
}

export interface StatusServer {
	scope: nock.Scope;
	/** Query strings of every request the server answered. */
	requests: Array<Record<string, string>>;
}

export function statusServer(options: StatusServerOptions): StatusServer {
	const requests: Array<Record<string, string>> = [];
	let interceptor = nock(options.baseUrl);
	if (options.persist !== false) interceptor = interceptor.persist();
	const scope = interceptor
		.get('/salestatus')
		.query(true)
		.reply(200, function reply(uri) {
			const query = Object.fromEntries(new URL(uri, 'http://x').searchParams.entries());
			requests.push(query);
			const { signature, ...signed } = query;
			if (
				signed.shopID !== options.shopId ||
				signed.version !== '4' ||
				signature !== referenceSignature(options.signatureKey, signed)
			) {
				return ERROR_BODY;
			}
			const key =
				signed.saleID !== undefined
					? `saleID:${signed.saleID}`
					: `referenceID:${signed.referenceID}`;
			return options.sales?.[key] ?? NOTFOUND_BODY;
		});
	return { scope, requests };
}
