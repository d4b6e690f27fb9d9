import { compareAmounts, parseAmount } from './amount';
import type { FlexPayPostback, KnownPostbackEvent } from './postback';
import { nonEmpty } from './validation';

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

/**
 * Where `until` comes from. Every `grant` and `extend` has one, so that no
 * access is left without an end by accident:
 * - `postback`: a date the postback carries,
 * - `sale`: a date of the status service's answer (Fetch Sale Details),
 * - `period`: computed, the day the postback arrived plus the subscription's
 *   period (its trial period for a sale that opens with a trial),
 * - `unknown`: no end could be read or computed; `until` is absent, and the
 *   expiry safety net template (examples/) lists such members,
 * - `oneOff`: a one-off purchase, whose access has no end by design.
 */
export type UntilSource = 'postback' | 'sale' | 'period' | 'unknown' | 'oneOff';

export interface Access {
	action: AccessAction;
	/**
	 * End of the paid period: a date as the postback or the status service sent
	 * it (`YYYY-MM-DD` or an ISO 8601 date-time), or a computed `YYYY-MM-DD`
	 * (`untilSource: 'period'`). Present only when one is known.
	 */
	until?: string;
	/** On every grant and extend, and wherever `until` is: where `until` comes from. */
	untilSource?: UntilSource;
	/** The sale this concerns, when the postback names one. */
	saleID?: string;
	/** A sale-opening postback that succeeds an older sale (upgrade): end the access of this sale. */
	replacesSaleID?: string;
	/** Present (true) when a person should look at the decision; `reason` says why. */
	review?: true;
	/**
	 * Only with `action: 'none'`, under the trigger's "Grant Access Only When
	 * Confirmed": the action the postback called for, held back because the
	 * status service did not confirm the sale (accessWhenConfirmed); with `review`.
	 */
	withheld?: 'grant' | 'extend';
	/**
	 * Why the decision is what it is, for a credit, an upgrade that names no
	 * older sale, and `withheld`: a short fixed sentence, never a value from the
	 * postback (CREDIT_DECISIONS, UPGRADE_WITHOUT_PRECEDING_SALE).
	 */
	reason?: string;
}

/** The postback fields `accessFor` reads (the trigger's item has them all). */
export type AccessPostback = Pick<
	FlexPayPostback,
	'event' | 'saleID' | 'nextChargeOn' | 'expiresOn' | 'precededBySaleID'
> &
	Partial<
		Pick<
			FlexPayPostback,
			'type' | 'period' | 'amountString' | 'currency' | 'subscriptionPhase' | 'params'
		>
	>;

/**
 * The status service's answer about the sale, as the trigger's item carries it
 * in `sale` (every field as text). Its field names are community-reported
 * [COMM], so each is read only when it is text of the expected form.
 */
export interface AccessSale {
	found?: unknown;
	saleID?: unknown;
	priceAmount?: unknown;
	priceCurrency?: unknown;
	period?: unknown;
	trialPeriod?: unknown;
	nextChargeOn?: unknown;
	expiresOn?: unknown;
}

export interface AccessContext {
	/** The status service's answer about the sale (the item's `sale`), when it was looked up. */
	sale?: AccessSale;
	/** When the postback arrived (the item's `receivedAt`): the start of a period-computed `until`. */
	receivedAt?: string | Date;
}

type DateField = 'nextChargeOn' | 'expiresOn';

interface AccessRule {
	action: AccessAction;
	/** Date fields that end the paid period, first usable one wins; empty: no `until` from dates. */
	until: readonly DateField[];
	/** Which period computes `until` when no date does: the first paid period, a further one, or none. */
	period: 'first' | 'next' | 'none';
	/** Whether `precededBySaleID` becomes `replacesSaleID`. */
	replaces: boolean;
}

const PAID_THROUGH: readonly DateField[] = ['nextChargeOn', 'expiresOn'];
/** After a cancel nothing is charged any more: the expiry date is the end, a next-charge date only a fallback. */
const ENDS_ON: readonly DateField[] = ['expiresOn', 'nextChargeOn'];
const NO_DATE: readonly DateField[] = [];

/**
 * The mapping, in one place (docs/events-and-items.md "Access" documents the same table).
 *
 * Evidence: `purchase` (no `event`) and `credit` are official [OFF-CODE: Verotel's
 * WooCommerce plugin], which also handles `initial`, `rebill`, `cancel` and
 * `expiry`. Everything else is community-reported [COMM]: `chargeback`, `extend`,
 * `downgrade`, `uncancel`, `upgrade` with `precededBySaleID`, both date
 * fields (`nextChargeOn` in rebill fixtures and read on initial/rebill by
 * community integrations; `expiresOn` in a signed initial fixture of a one-time
 * subscription) and the status fields `period`, `trialPeriod`, `nextChargeOn`,
 * `expiresOn`. Hence dates and periods are read defensively.
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
 * - `extend` adds days to a running sale [COMM]; how many is not in any
 *   known field, so its end is never computed from the period.
 * - `credit` is decided on the money (creditDecision): revoked only when all
 *   of the sale was credited, or the credit ended the subscription.
 */
const ACCESS_RULES: Readonly<Record<KnownPostbackEvent, AccessRule>> = Object.freeze({
	purchase: { action: 'grant', until: NO_DATE, period: 'none', replaces: false }, // one-off: no end
	initial: { action: 'grant', until: PAID_THROUGH, period: 'first', replaces: true },
	upgrade: { action: 'grant', until: PAID_THROUGH, period: 'first', replaces: true },
	rebill: { action: 'extend', until: PAID_THROUGH, period: 'next', replaces: false },
	extend: { action: 'extend', until: PAID_THROUGH, period: 'none', replaces: false },
	cancel: { action: 'keep', until: ENDS_ON, period: 'none', replaces: false },
	uncancel: { action: 'keep', until: PAID_THROUGH, period: 'none', replaces: false },
	downgrade: { action: 'keep', until: PAID_THROUGH, period: 'none', replaces: false },
	expiry: { action: 'revoke', until: NO_DATE, period: 'none', replaces: false },
	// The action is creditDecision's; the row only says that a credit reads no dates.
	credit: { action: 'revoke', until: NO_DATE, period: 'none', replaces: false },
	chargeback: { action: 'revoke', until: NO_DATE, period: 'none', replaces: false },
});

const UNKNOWN_EVENT: AccessRule = {
	action: 'none',
	until: NO_DATE,
	period: 'none',
	replaces: false,
};

/** Why an upgrade is marked for review when it does not name the sale it replaces. */
export const UPGRADE_WITHOUT_PRECEDING_SALE =
	'An upgrade that does not name the sale it replaces (no precededBySaleID): end that sale’s access by hand';

/**
 * The decisions on a `credit` (docs/events-and-items.md "Credits"), in the
 * order creditDecision tries them: the first that applies wins. A credit is a
 * refund of some or all of a payment [OFF-CODE: Verotel's plugin reads the
 * refunded `priceAmount`]; a goodwill partial refund must not lock a paying
 * member out, so only a credit of the whole sale revokes, and one whose share
 * is unknown is never revoked blindly.
 */
export const CREDIT_DECISIONS = Object.freeze({
	/** [OFF-CODE: Verotel's plugin ends a subscription on a credit with subscriptionPhase=terminated.] */
	terminated: {
		action: 'revoke',
		reason: 'The credit ended the subscription (subscriptionPhase terminated)',
	},
	noSale: {
		action: 'keep',
		review: true,
		reason:
			'Credit not compared: no status answer about the sale (Fetch Sale Details off, or the lookup failed)',
	},
	otherSale: {
		action: 'keep',
		review: true,
		reason: 'Credit not compared: the status answer is about another sale',
	},
	noSaleAmount: {
		action: 'keep',
		review: true,
		reason: 'Credit not compared: the status answer carries no readable priceAmount',
	},
	noCreditAmount: {
		action: 'keep',
		review: true,
		reason: 'Credit not compared: the postback carries no readable amount',
	},
	currency: {
		action: 'keep',
		review: true,
		reason: 'Credit not compared: the currencies differ or one is missing',
	},
	full: {
		action: 'revoke',
		reason: 'Full credit: the credited amount covers the sale’s amount',
	},
	partial: {
		action: 'keep',
		review: true,
		reason: 'Partial credit: less than the sale’s amount was credited, so access is kept',
	},
} as const satisfies Record<string, { action: AccessAction; review?: true; reason: string }>);

export type CreditDecision = keyof typeof CREDIT_DECISIONS;

/**
 * What fulfilment should do for a postback, from its event, the dates it
 * carries and (`context`) the status service's answer and the time it
 * arrived. Pure: no state, no clock. Unknown events give `none`.
 */
export function accessFor(postback: AccessPostback, context: AccessContext = {}): Access {
	const event = typeof postback.event === 'string' ? postback.event.trim().toLowerCase() : '';
	// hasOwnProperty: "constructor", "__proto__" and the like are unknown events, not table rows.
	const rule = Object.prototype.hasOwnProperty.call(ACCESS_RULES, event)
		? ACCESS_RULES[event as KnownPostbackEvent]
		: UNKNOWN_EVENT;
	const saleID = nonEmpty(postback.saleID);
	const sale = saleAbout(context.sale, saleID);
	const access: Access = { action: rule.action };

	const end = endOf(rule, postback, sale, context.receivedAt);
	if (end !== undefined) access.until = end.until;
	if (rule.action === 'grant' || rule.action === 'extend') {
		access.untilSource = event === 'purchase' ? 'oneOff' : (end?.source ?? 'unknown');
	} else if (end !== undefined) access.untilSource = end.source;

	if (saleID !== undefined) access.saleID = saleID;
	const preceding = nonEmpty(postback.precededBySaleID);
	if (rule.replaces && preceding !== undefined && preceding !== saleID)
		access.replacesSaleID = preceding;
	else if (rule.replaces && isUpgrade(event, postback.type)) {
		access.review = true;
		access.reason = UPGRADE_WITHOUT_PRECEDING_SALE;
	}

	if (event === 'credit') {
		const decision = CREDIT_DECISIONS[creditDecision(postback, context.sale, sale)];
		access.action = decision.action;
		if ('review' in decision) access.review = decision.review;
		access.reason = decision.reason;
	}
	return access;
}

/**
 * Which row of CREDIT_DECISIONS a credit falls under. `sale` is the status
 * answer when it is about this sale. The sale's amount is the status
 * service's `priceAmount` [COMM], taken to be the price even after a refund
 * [INFER: what the service reports then is not known]; for a subscription,
 * its price per period [INFER], so a refund of one whole rebill counts as
 * full. A sale amount of 0.00 is unreadable here: nothing could have been
 * credited against it (a service that zeroes a refunded sale gives a review).
 */
export function creditDecision(
	postback: AccessPostback,
	answer: AccessSale | undefined,
	sale: AccessSale | undefined = saleAbout(answer, nonEmpty(postback.saleID)),
): CreditDecision {
	if (textOf(postback.subscriptionPhase)?.trim().toLowerCase() === 'terminated')
		return 'terminated';
	if (answer === undefined || answer.found !== true) return 'noSale';
	if (sale === undefined) return 'otherSale';
	const saleAmount = textOf(sale.priceAmount);
	if (!((parseAmount(saleAmount) ?? 0) > 0)) return 'noSaleAmount';
	if (parseAmount(postback.amountString) === null) return 'noCreditAmount';
	const saleCurrency = currencyOf(sale.priceCurrency);
	if (saleCurrency === undefined || saleCurrency !== currencyOf(postback.currency))
		return 'currency';
	return compareAmounts(postback.amountString, saleAmount) === -1 ? 'partial' : 'full';
}

/** The status answer, when it is found and about this sale (an answer naming another sale is not). */
function saleAbout(
	sale: AccessSale | undefined,
	saleID: string | undefined,
): AccessSale | undefined {
	if (sale === undefined || sale === null || typeof sale !== 'object' || sale.found !== true)
		return undefined;
	const named = textOf(sale.saleID);
	return named === undefined || named === '' || named === saleID ? sale : undefined;
}

/** A sale-opening postback of an upgrade: the `upgrade` event, or a subscription postback of `type=upgradesubscription`. */
function isUpgrade(event: string, type: unknown): boolean {
	return event === 'upgrade' || textOf(type)?.trim().toLowerCase() === 'upgradesubscription';
}

/** The end of the paid period and where it comes from: the postback's dates, the status answer's, the period. */
function endOf(
	rule: AccessRule,
	postback: AccessPostback,
	sale: AccessSale | undefined,
	receivedAt: string | Date | undefined,
): { until: string; source: UntilSource } | undefined {
	for (const field of rule.until) {
		const date = usableDate(postback[field]);
		if (date !== undefined) return { until: date, source: 'postback' };
	}
	for (const field of rule.until) {
		const date = usableDate(sale?.[field]);
		if (date !== undefined) return { until: date, source: 'sale' };
	}
	if (rule.period === 'none') return undefined;
	// A sale that opens with a trial is paid up to the trial's end, not a whole period's
	// [OFF-DOC: trialPeriod of subscription links]; a trial is seen only where the postback's
	// parameters or the status answer name it [COMM], so the first period prefers it.
	const trial =
		rule.period === 'first'
			? (usablePeriod(postback.params?.trialPeriod) ?? usablePeriod(sale?.trialPeriod))
			: undefined;
	const period = trial ?? usablePeriod(postback.period) ?? usablePeriod(sale?.period);
	const start = startOf(receivedAt);
	if (period === undefined || start === undefined) return undefined;
	return { until: addPeriod(start, period), source: 'period' };
}

function textOf(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function currencyOf(value: unknown): string | undefined {
	const code = textOf(value)?.trim().toUpperCase();
	return code === undefined || code === '' ? undefined : code;
}

interface Period {
	years: number;
	months: number;
	days: number;
}

/**
 * An ISO-8601 period as FlexPay uses it (P30D, P1M, P1Y, P2W; lib/validation.ts
 * checkPeriod), at most 10 years; anything else (time parts, P0D, text) is
 * no period, so no `until` is computed from it.
 */
function usablePeriod(value: unknown): Period | undefined {
	const match =
		typeof value === 'string'
			? /^P(?:(\d{1,3})Y)?(?:(\d{1,3})M)?(?:(\d{1,3})W)?(?:(\d{1,4})D)?$/.exec(value)
			: null;
	if (match === null) return undefined;
	const [years, months, weeks, days] = match.slice(1).map((part) => Number(part ?? 0));
	const period = { years, months, days: weeks * 7 + days };
	const total = years * 366 + months * 31 + period.days;
	return total > 0 && total <= 3660 ? period : undefined;
}

function startOf(receivedAt: string | Date | undefined): Date | undefined {
	const start = typeof receivedAt === 'string' ? new Date(receivedAt) : receivedAt;
	return start instanceof Date && Number.isFinite(start.getTime()) ? start : undefined;
}

/**
 * The calendar day (UTC) `period` after `start`, as `YYYY-MM-DD` like the
 * postbacks' dates. Months and years keep the day of the month, or end on the
 * month's last day when it has fewer (31 January + P1M = 28 or 29 February).
 */
function addPeriod(start: Date, period: Period): string {
	const monthIndex =
		start.getUTCFullYear() * 12 + start.getUTCMonth() + period.years * 12 + period.months;
	const year = Math.floor(monthIndex / 12);
	const month = (monthIndex % 12) + 1;
	const day = Math.min(start.getUTCDate(), daysInMonth(year, month));
	const end = new Date(Date.UTC(year, month - 1, day + period.days));
	return end.toISOString().slice(0, 10);
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
