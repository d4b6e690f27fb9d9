import type { FlexPayPostback, KnownPostbackEvent } from './postback';

/**
 * What a membership site does with a postback:
 * - `grant`: open access for `saleID` (a new sale),
 * - `extend`: access of `saleID` continues, its end moves to `until`,
 * - `keep`: access of `saleID` stays as it is (it ends at `until` when given),
 * - `revoke`: end access of `saleID` now,
 * - `none`: change nothing: an event this version does not know, or (with
 *   `withheld`) a grant or extend the status service did not confirm.
 */
export type AccessAction = 'grant' | 'extend' | 'keep' | 'revoke' | 'none';

export interface Access {
	action: AccessAction;
	/**
	 * End of the paid period, exactly as the postback sent it (`YYYY-MM-DD` or an
	 * ISO 8601 date-time). Present only when the postback carries a usable date.
	 */
	until?: string;
	/** The sale this concerns, when the postback names one. */
	saleID?: string;
	/** A sale-opening postback that succeeds an older sale (upgrade): move access from this sale to `saleID`. */
	replacesSaleID?: string;
	/**
	 * Only with `action: 'none'`, under the trigger's "Grant Access Only When
	 * Confirmed": the action the postback called for, held back because the
	 * status service did not confirm the sale (accessWhenConfirmed).
	 */
	withheld?: 'grant' | 'extend';
	/** Why `withheld`: a short fixed sentence, never a value from the postback. */
	reason?: string;
}

/** The postback fields `accessFor` reads. */
export type AccessPostback = Pick<
	FlexPayPostback,
	'event' | 'saleID' | 'nextChargeOn' | 'expiresOn' | 'precededBySaleID'
>;

type DateField = 'nextChargeOn' | 'expiresOn';

interface AccessRule {
	action: AccessAction;
	/** Date fields that end the paid period, first usable one wins; empty: no `until`. */
	until: readonly DateField[];
	/** Whether `precededBySaleID` becomes `replacesSaleID`. */
	replaces: boolean;
}

const PAID_THROUGH: readonly DateField[] = ['nextChargeOn', 'expiresOn'];
/** After a cancel nothing is charged any more: the expiry date is the end, a next-charge date only a fallback. */
const ENDS_ON: readonly DateField[] = ['expiresOn', 'nextChargeOn'];
const NO_DATE: readonly DateField[] = [];

/**
 * The mapping, in one place (README "Access" documents the same table).
 *
 * Evidence: `purchase` (no `event`) and `credit` are official [OFF-CODE: Verotel's
 * WooCommerce plugin], which also handles `initial`, `rebill`, `cancel` and
 * `expiry`. Everything else is community-reported [COMM]: `chargeback`, `extend`,
 * `downgrade`, `uncancel`, `upgrade` with `precededBySaleID`, and both date
 * fields (`nextChargeOn` in rebill fixtures and read on initial/rebill by
 * community integrations; `expiresOn` in a signed initial fixture of a one-time
 * subscription). Hence dates are read defensively (`usableDate`).
 *
 * - `cancel` stops rebilling; the buyer keeps access to the end of the paid
 *   period, and Verotel sends `expiry` then [COMM: "the end of a cancelled
 *   subscription" is one reason for expiry].
 * - `upgrade` opens the new sale and ends the old one without an `expiry`
 *   postback [COMM], so the old sale's access moves to the new one. A
 *   subscription postback without `event` is read as `initial` (also for
 *   `type=upgradesubscription`), so `initial` carries `precededBySaleID` over
 *   too [INFER].
 * - `downgrade` changes the price of the next rebill [COMM: "If Merchant or
 *   Verotel support changes the next rebill price the Downgrade postback call is
 *   sent"]; the period already paid for is unchanged, so access is kept.
 * - `credit` revokes. Community code says a refund also terminates the
 *   subscription [COMM]; the official plugin ends a subscription only on a credit
 *   with `subscriptionPhase=terminated` [OFF-CODE]. A workflow that refunds
 *   single rebills and keeps the subscription running should look at
 *   `subscriptionPhase` before acting on this `revoke`.
 */
const ACCESS_RULES: Readonly<Record<KnownPostbackEvent, AccessRule>> = Object.freeze({
	purchase: { action: 'grant', until: NO_DATE, replaces: false }, // one-off: no end
	initial: { action: 'grant', until: PAID_THROUGH, replaces: true },
	upgrade: { action: 'grant', until: PAID_THROUGH, replaces: true },
	rebill: { action: 'extend', until: PAID_THROUGH, replaces: false },
	extend: { action: 'extend', until: PAID_THROUGH, replaces: false },
	cancel: { action: 'keep', until: ENDS_ON, replaces: false },
	uncancel: { action: 'keep', until: PAID_THROUGH, replaces: false },
	downgrade: { action: 'keep', until: PAID_THROUGH, replaces: false },
	expiry: { action: 'revoke', until: NO_DATE, replaces: false },
	credit: { action: 'revoke', until: NO_DATE, replaces: false },
	chargeback: { action: 'revoke', until: NO_DATE, replaces: false },
});

const UNKNOWN_EVENT: AccessRule = { action: 'none', until: NO_DATE, replaces: false };

/**
 * What fulfilment should do for a postback, from its event and the dates it
 * carries. Pure: no state, no clock. Unknown events give `none`.
 */
export function accessFor(postback: AccessPostback): Access {
	const event = typeof postback.event === 'string' ? postback.event.trim().toLowerCase() : '';
	// hasOwnProperty: "constructor", "__proto__" and the like are unknown events, not table rows.
	const rule = Object.prototype.hasOwnProperty.call(ACCESS_RULES, event)
		? ACCESS_RULES[event as KnownPostbackEvent]
		: UNKNOWN_EVENT;
	const access: Access = { action: rule.action };
	for (const field of rule.until) {
		const date = usableDate(postback[field]);
		if (date !== undefined) {
			access.until = date;
			break;
		}
	}
	const saleID = nonEmpty(postback.saleID);
	if (saleID !== undefined) access.saleID = saleID;
	const preceding = nonEmpty(postback.precededBySaleID);
	if (rule.replaces && preceding !== undefined && preceding !== saleID)
		access.replacesSaleID = preceding;
	return access;
}

function nonEmpty(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?$/;

/**
 * The date fields are community-reported [COMM], their format only seen as
 * `YYYY-MM-DD`. Accepted: a calendar date `YYYY-MM-DD`, or an ISO 8601
 * date-time (`YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]`) with valid ranges;
 * anything else (empty, other formats, 2026-02-30) gives no `until`.
 */
function usableDate(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const match = PLAIN_DATE.exec(value) ?? ISO_DATE_TIME.exec(value);
	if (match === null) return undefined;
	const [
		,
		year,
		month,
		day,
		hour = '0',
		minute = '0',
		second = '0',
		offsetHour = '0',
		offsetMinute = '0',
	] = match;
	const m = Number(month);
	if (m < 1 || m > 12) return undefined;
	const d = Number(day);
	if (d < 1 || d > daysInMonth(Number(year), m)) return undefined;
	if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
	if (Number(offsetHour) > 23 || Number(offsetMinute) > 59) return undefined;
	return value;
}

function daysInMonth(year: number, month: number): number {
	if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
