/**
 * What makes two postbacks the same delivery (idempotencyKey) and which
 * earlier postbacks a new one replaces (idempotencyScope); the trigger's
 * repeat stores compare these.
 */
import * as crypto from 'crypto';

import type { FlexPayPostback } from './postback';
import { canonicalParameterString, type FlexPayParams } from './signature';

/** Events that open a sale: each runs once per saleID, whatever else its parameters carry. */
export const SALE_OPENING_EVENTS: ReadonlySet<string> = new Set(['purchase', 'initial', 'upgrade']);

/**
 * A sale's opening event is `shopID:saleID:event`, whatever else it carries; every other
 * postback is `shopID:saleID:event:<fingerprint of everything it carries>`.
 */
export function idempotencyKeyOf(
	p: Pick<FlexPayPostback, 'shopID' | 'saleID' | 'event' | 'params'>,
): string {
	return p.saleID !== undefined && SALE_OPENING_EVENTS.has(p.event)
		? `${p.shopID}:${p.saleID}:${p.event}`
		: `${p.shopID}:${p.saleID ?? '-'}:${p.event}:${fingerprint(p.params)}`;
}

/**
 * The idempotencyScope of a postback's idempotencyKey (the trigger's items carry
 * the key only). shopID and saleID are digits, so the first two parts are exact.
 */
export function idempotencyScopeOf(idempotencyKey: string): string {
	const [shopID, saleID, ...rest] = idempotencyKey.split(':');
	if (saleID === undefined || saleID === '-') return idempotencyKey;
	if (rest.length === 1 && SALE_OPENING_EVENTS.has(rest[0])) return idempotencyKey;
	return `${shopID}:${saleID}:events`;
}

/**
 * Events such as cancel or extend carry no transactionID, so no single field
 * tells a redelivery from a new event; the received data as a whole does.
 */
function fingerprint(params: FlexPayParams): string {
	return crypto
		.createHash('sha256')
		.update(canonicalParameterString(params), 'utf8')
		.digest('hex')
		.slice(0, 20);
}
