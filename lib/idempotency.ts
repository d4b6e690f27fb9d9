/**
 * What makes two postbacks the same (idempotencyKey): the trigger's record of
 * accepted postbacks compares these (docs/design/delivery.md §3).
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
