/**
 * The cross check Verotel recommends before a buyer is served: "we recommend
 * that you cross check the received data with the Verotel Status service"
 * [OFF-DOC: FlexPay purchase interactions]. A signed postback proves that
 * whoever holds the website's signature key sent it; the status service, asked
 * by the merchant over HTTPS, says what Verotel itself holds for the sale. Where
 * the two agree the sale is confirmed.
 *
 * What a confirmation cannot prove: the status fields compared here are known
 * from community integrations [COMM], not from Verotel's documentation, and the
 * success value `FOUND` was never seen literally [INFER]. Every rule therefore
 * refuses when the field it needs is missing or unreadable: an unconfirmed real
 * sale is visible (its reason says which field) and can be served by hand; a
 * confirmed unpaid one gives goods away unseen.
 */
import { parseAmount, sameAmount } from './amount';
import { SALE_OPENING_EVENTS } from './idempotency';
import type { Access } from './access';
import type { FlexPayPostback } from './postback';
import type { SaleStatus } from './salestatus';

/**
 * The verdict of the cross check. `reason` is a short fixed sentence naming
 * the rule that failed; it never contains a value from the postback or the
 * status answer.
 */
export type Confirmation = { confirmed: true } | { confirmed: false; reason: string };

/** The postback fields the cross check reads (the trigger's item has them all). */
export type ConfirmationPostback = Pick<
	FlexPayPostback,
	| 'event'
	| 'shopID'
	| 'saleID'
	| 'referenceID'
	| 'custom1'
	| 'custom2'
	| 'custom3'
	| 'amountString'
	| 'currency'
>;

/** The status fields the cross check reads (what parseStatusResponse returns). */
export type ConfirmationStatus = Pick<
	SaleStatus,
	| 'response'
	| 'found'
	| 'shopID'
	| 'saleID'
	| 'referenceID'
	| 'saleResult'
	| 'priceAmount'
	| 'priceCurrency'
	| 'fields'
>;

/** The merchant's pass-through values, echoed by postbacks and (community-reported [COMM]) by the status service. */
const CUSTOM_FIELDS = ['custom1', 'custom2', 'custom3'] as const;

/** The one `saleResult` seen for a paid sale [COMM: a community integration checks the line `saleResult: APPROVED`]. */
const APPROVED_SALE_RESULT = 'APPROVED';

/** The reasons for `response: NOTFOUND` and `response: ERROR`; the trigger's lookup reports them too. */
const NOT_FOUND_REASON = 'The status service does not know this sale';
const ERROR_REASON = 'The status service answered ERROR';

const refused = (reason: string): Confirmation => ({ confirmed: false, reason });

/**
 * Whether the status service confirms what the postback claims. Pure; the
 * rules, each with its evidence:
 *
 * 1. The sale is found. `response: NOTFOUND` and `response: ERROR` are the
 *    failures community code checks for [COMM].
 * 2. The same shopID, saleID and referenceID where the status answer names
 *    them (and the postback does). The request names the sale and is signed for
 *    the shop, so an answer that does not echo them is about what was asked; one
 *    that names another is about another sale (a wrong base URL, a cache), and
 *    refused. Likewise custom1-3, which the status answer carries too [COMM]:
 *    they often name the buyer's account, and a postback forged for a real sale
 *    must not be able to move it to another account.
 * 3. `saleResult` is APPROVED (case and surrounding spaces aside). It is the
 *    only value seen [COMM]; a missing one is refused, because postbacks are sent
 *    only for approved sales [OFF-DOC] and the cross check is there to prove
 *    exactly that.
 * 4. For the events that open a sale (`purchase`, `initial`, `upgrade`): the
 *    same amount, compared as decimals (Verotel formats the amounts it sends
 *    itself, so `19.9` and `19.90` must match: the protocol reference's pitfall
 *    on amounts [OFF-DOC][COMM]), and the same
 *    currency. The status field names `priceAmount`/`priceCurrency` are the
 *    postback's [COMM]; a missing or unreadable one is refused. Other events
 *    are not compared on the amount: a rebill, a partial refund or a
 *    chargeback moves another amount than the sale's price. Whether the
 *    initial postback of a subscription with a trial carries the trial amount
 *    and the status the full price (or the reverse) is not known [INFER]; such
 *    a difference is refused with its reason.
 */
export function crossCheckPostback(
	postback: ConfirmationPostback,
	status: ConfirmationStatus,
): Confirmation {
	if (status.response === 'NOTFOUND') return refused(NOT_FOUND_REASON);
	if (status.response === 'ERROR') return refused(ERROR_REASON);
	if (status.response !== 'FOUND' || status.found !== true)
		return refused('The status answer does not report the sale as found');

	if (differs(status.shopID, postback.shopID))
		return refused('The status service names another shopID');
	if (differs(status.saleID, postback.saleID))
		return refused('The status service names another saleID');
	if (differs(status.referenceID, postback.referenceID))
		return refused('The status service names another referenceID');
	for (const field of CUSTOM_FIELDS) {
		if (differs(status.fields?.[field], postback[field]))
			return refused(`The status service names another ${field}`);
	}

	if (status.saleResult === undefined || status.saleResult.trim() === '')
		return refused('The status answer carries no saleResult');
	if (status.saleResult.trim().toUpperCase() !== APPROVED_SALE_RESULT)
		return refused('The sale result is not APPROVED');

	if (!SALE_OPENING_EVENTS.has(postback.event)) return { confirmed: true };

	if (parseAmount(status.priceAmount) === null)
		return refused('The status answer carries no readable priceAmount');
	if (parseAmount(postback.amountString) === null)
		return refused('The postback carries no readable amount');
	if (!sameAmount(status.priceAmount, postback.amountString))
		return refused('The amount differs from the status service’s');
	const statusCurrency = currencyOf(status.priceCurrency);
	if (statusCurrency === undefined) return refused('The status answer carries no priceCurrency');
	const postbackCurrency = currencyOf(postback.currency);
	if (postbackCurrency === undefined) return refused('The postback carries no currency');
	if (statusCurrency !== postbackCurrency)
		return refused('The currency differs from the status service’s');
	return { confirmed: true };
}

/**
 * `access` for "grant access only when confirmed": a `grant` or `extend` the
 * cross check did not confirm becomes `none`, with the action it held back
 * (`withheld`) and why, for review: a paid sale the service could not confirm
 * (an outage) must not go unnoticed. Its `until` and `replacesSaleID` go too,
 * so that `none` keeps meaning "change nothing". Every other action passes
 * unchanged: a revoke must never wait for a confirmation.
 */
export function accessWhenConfirmed(access: Access, confirmation: Confirmation): Access {
	if (confirmation.confirmed || (access.action !== 'grant' && access.action !== 'extend'))
		return access;
	const held: Access = { action: 'none' };
	if (access.saleID !== undefined) held.saleID = access.saleID;
	held.withheld = access.action;
	held.review = true;
	held.reason = `Not confirmed: ${confirmation.reason}`;
	return held;
}

/** Both sides name a value and the values differ (IDs are compared exactly). */
function differs(fromStatus: string | undefined, fromPostback: string | undefined): boolean {
	return (
		fromStatus !== undefined &&
		fromStatus !== '' &&
		fromPostback !== undefined &&
		fromStatus !== fromPostback
	);
}

function currencyOf(value: string | undefined): string | undefined {
	const code = value?.trim().toUpperCase();
	return code === undefined || code === '' ? undefined : code;
}
