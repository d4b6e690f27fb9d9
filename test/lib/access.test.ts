/**
 * accessFor: the fulfilment decision per postback, one test per row of the
 * table (docs/events-and-items.md "Access"), plus the defensive reading of the community-reported
 * date fields.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as flexpay from '../../lib';
import {
	accessFor,
	parsePostback,
	POSTBACK_EVENTS,
	type Access,
	type AccessPostback,
	type FlexPayParams,
	type UntilSource,
} from '../../lib';
import { CREDIT_DECISIONS, UPGRADE_WITHOUT_PRECEDING_SALE } from '../../lib/access';
import { compareAmounts } from '../../lib/amount';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { postbackQuery } from '../helpers/postbacks';

const SALE = '700002';
const OLD_SALE = '700001';
const NEXT = '2026-01-31';
const EXPIRES = '2026-02-28';

/** 2026-01-31, the day sample postbacks arrive: months from it end on a short month's last day. */
const ARRIVED = '2026-01-31T10:15:00.000Z';

function access(event: string, fields: Omit<AccessPostback, 'event'> = {}): Access {
	return accessFor({ event, saleID: SALE, ...fields });
}

const grant = (until: string, untilSource: UntilSource): Access => ({
	action: 'grant',
	until,
	untilSource,
	saleID: SALE,
});
const extend = (until: string, untilSource: UntilSource): Access => ({
	action: 'extend',
	until,
	untilSource,
	saleID: SALE,
});
const keep = (until: string): Access => ({
	action: 'keep',
	until,
	untilSource: 'postback',
	saleID: SALE,
});

describe('accessFor: every row of the table', () => {
	test('purchase grants without an end (a one-off), even if a date or period came along', () => {
		const oneOff = { action: 'grant', untilSource: 'oneOff', saleID: SALE };
		expect(access('purchase')).toEqual(oneOff);
		expect(access('purchase', { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual(oneOff);
		expect(
			accessFor({ event: 'purchase', saleID: SALE, period: 'P1M' }, { receivedAt: ARRIVED }),
		).toEqual(oneOff);
	});

	test('initial grants until the next charge, else until expiry, else an explicit unknown end', () => {
		expect(access('initial', { nextChargeOn: NEXT })).toEqual(grant(NEXT, 'postback'));
		expect(access('initial', { expiresOn: EXPIRES })).toEqual(grant(EXPIRES, 'postback'));
		expect(access('initial', { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual(
			grant(NEXT, 'postback'),
		);
		expect(access('initial')).toEqual({ action: 'grant', untilSource: 'unknown', saleID: SALE });
	});

	test('initial with precededBySaleID (upgradesubscription without event) replaces the old sale', () => {
		expect(access('initial', { nextChargeOn: NEXT, precededBySaleID: OLD_SALE })).toEqual({
			...grant(NEXT, 'postback'),
			replacesSaleID: OLD_SALE,
		});
	});

	test('upgrade with precededBySaleID grants the new sale and names the sale it replaces', () => {
		expect(access('upgrade', { nextChargeOn: NEXT, precededBySaleID: OLD_SALE })).toEqual({
			...grant(NEXT, 'postback'),
			replacesSaleID: OLD_SALE,
		});
		expect(access('upgrade', { expiresOn: EXPIRES, precededBySaleID: OLD_SALE })).toEqual({
			...grant(EXPIRES, 'postback'),
			replacesSaleID: OLD_SALE,
		});
	});

	test('upgrade without precededBySaleID grants the new sale and says the replaced sale is unknown', () => {
		const unnamed = { review: true, reason: UPGRADE_WITHOUT_PRECEDING_SALE };
		expect(access('upgrade', { nextChargeOn: NEXT })).toEqual({
			...grant(NEXT, 'postback'),
			...unnamed,
		});
		expect(access('upgrade', { precededBySaleID: '' })).toEqual({
			action: 'grant',
			untilSource: 'unknown',
			saleID: SALE,
			...unnamed,
		});
		// A sale cannot replace itself.
		expect(access('upgrade', { precededBySaleID: SALE })).toEqual({
			action: 'grant',
			untilSource: 'unknown',
			saleID: SALE,
			...unnamed,
		});
		// A subscription postback of an upgrade without event reads as initial: the same question.
		expect(access('initial', { type: 'upgradesubscription', nextChargeOn: NEXT })).toEqual({
			...grant(NEXT, 'postback'),
			...unnamed,
		});
		// An initial of a new subscription replaces nothing, and nothing is asked.
		expect(access('initial', { type: 'subscription', nextChargeOn: NEXT })).toEqual(
			grant(NEXT, 'postback'),
		);
	});

	test('rebill extends until the new next charge date, else expiry, else an explicit unknown end', () => {
		expect(access('rebill', { nextChargeOn: NEXT })).toEqual(extend(NEXT, 'postback'));
		expect(access('rebill', { expiresOn: EXPIRES })).toEqual(extend(EXPIRES, 'postback'));
		expect(access('rebill')).toEqual({ action: 'extend', untilSource: 'unknown', saleID: SALE });
	});

	test('extend extends until the shifted date (next charge or expiry), never from the period', () => {
		expect(access('extend', { nextChargeOn: NEXT })).toEqual(extend(NEXT, 'postback'));
		expect(access('extend', { expiresOn: EXPIRES })).toEqual(extend(EXPIRES, 'postback'));
		expect(access('extend')).toEqual({ action: 'extend', untilSource: 'unknown', saleID: SALE });
		// How many days were added is in no field: the period would shorten access.
		expect(
			accessFor({ event: 'extend', saleID: SALE, period: 'P1M' }, { receivedAt: ARRIVED }),
		).toEqual({ action: 'extend', untilSource: 'unknown', saleID: SALE });
	});

	test('cancel keeps access to the end of the paid period: expiry date first, else the would-be next charge', () => {
		expect(access('cancel', { expiresOn: EXPIRES })).toEqual(keep(EXPIRES));
		expect(access('cancel', { nextChargeOn: NEXT })).toEqual(keep(NEXT));
		expect(access('cancel', { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual(keep(EXPIRES));
		expect(access('cancel')).toEqual({ action: 'keep', saleID: SALE });
	});

	test('uncancel keeps', () => {
		expect(access('uncancel')).toEqual({ action: 'keep', saleID: SALE });
		expect(access('uncancel', { nextChargeOn: NEXT })).toEqual(keep(NEXT));
	});

	test('downgrade keeps (only the price of the next rebill changes)', () => {
		expect(access('downgrade')).toEqual({ action: 'keep', saleID: SALE });
		expect(access('downgrade', { nextChargeOn: NEXT })).toEqual(keep(NEXT));
	});

	test.each(['expiry', 'chargeback'])('%s revokes, never with until', (event) => {
		expect(access(event)).toEqual({ action: 'revoke', saleID: SALE });
		expect(access(event, { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual({
			action: 'revoke',
			saleID: SALE,
		});
	});

	test('keep and revoke rows never take an end from the period', () => {
		for (const event of ['cancel', 'uncancel', 'downgrade', 'expiry', 'chargeback']) {
			const result = accessFor({ event, saleID: SALE, period: 'P1M' }, { receivedAt: ARRIVED });
			expect([event, result]).toEqual([
				event,
				{ action: accessFor({ event }).action, saleID: SALE },
			]);
		}
	});

	test('revoke rows never carry replacesSaleID, nor do extend/keep rows', () => {
		for (const event of [
			'rebill',
			'extend',
			'cancel',
			'uncancel',
			'downgrade',
			'expiry',
			'credit',
			'chargeback',
			'purchase',
		]) {
			expect(access(event, { precededBySaleID: OLD_SALE })).not.toHaveProperty('replacesSaleID');
		}
	});

	test('unknown events give none, with nothing else to act on but the sale', () => {
		expect(access('refundrequest', { nextChargeOn: NEXT, precededBySaleID: OLD_SALE })).toEqual({
			action: 'none',
			saleID: SALE,
		});
		expect(accessFor({ event: '' })).toEqual({ action: 'none' });
		// Names an object has by inheritance are not rows of the table.
		for (const event of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
			expect(accessFor({ event })).toEqual({ action: 'none' });
		}
	});

	test('every known event has a row other than none', () => {
		for (const event of POSTBACK_EVENTS) expect(accessFor({ event }).action).not.toBe('none');
	});

	test('the event is matched case- and space-insensitively, as parsePostback normalises it', () => {
		expect(access(' Rebill ', { nextChargeOn: NEXT })).toEqual(extend(NEXT, 'postback'));
	});

	test('without saleID, access names no sale', () => {
		expect(accessFor({ event: 'chargeback' })).toEqual({ action: 'revoke' });
		expect(accessFor({ event: 'upgrade', saleID: '', precededBySaleID: OLD_SALE })).toEqual({
			action: 'grant',
			untilSource: 'unknown',
			replacesSaleID: OLD_SALE,
		});
	});
});

describe('accessFor: the end of a grant or extend, when the postback carries no date', () => {
	const sale = (fields: Record<string, unknown>) => ({ found: true, saleID: SALE, ...fields });

	test('the status service’s dates come next, in the row’s order (untilSource sale)', () => {
		expect(
			accessFor({ event: 'rebill', saleID: SALE }, { sale: sale({ nextChargeOn: NEXT }) }),
		).toEqual(extend(NEXT, 'sale'));
		expect(
			accessFor(
				{ event: 'initial', saleID: SALE },
				{ sale: sale({ expiresOn: EXPIRES, period: 'P1M' }), receivedAt: ARRIVED },
			),
		).toEqual(grant(EXPIRES, 'sale'));
		expect(
			accessFor(
				{ event: 'cancel', saleID: SALE },
				{ sale: sale({ nextChargeOn: NEXT, expiresOn: EXPIRES }) },
			),
		).toEqual({ action: 'keep', until: EXPIRES, untilSource: 'sale', saleID: SALE });
		// The postback's own date wins over the status service's.
		expect(
			accessFor(
				{ event: 'rebill', saleID: SALE, nextChargeOn: NEXT },
				{ sale: sale({ nextChargeOn: EXPIRES }) },
			),
		).toEqual(extend(NEXT, 'postback'));
	});

	test('then the period from the day it arrived (untilSource period): the postback’s, else the sale’s', () => {
		expect(
			accessFor({ event: 'initial', saleID: SALE, period: 'P1M' }, { receivedAt: ARRIVED }),
		).toEqual(grant('2026-02-28', 'period'));
		expect(
			accessFor(
				{ event: 'rebill', saleID: SALE },
				{ sale: sale({ period: 'P30D' }), receivedAt: ARRIVED },
			),
		).toEqual(extend('2026-03-02', 'period'));
		expect(
			accessFor(
				{ event: 'upgrade', saleID: SALE, precededBySaleID: OLD_SALE, period: 'P1Y' },
				{ receivedAt: new Date(ARRIVED) },
			),
		).toEqual({ ...grant('2027-01-31', 'period'), replacesSaleID: OLD_SALE });
	});

	test('a sale that opens with a trial is paid up to the trial’s end, a rebill a whole period', () => {
		expect(
			accessFor(
				{ event: 'initial', saleID: SALE, period: 'P1M', params: { trialPeriod: 'P3D' } },
				{ receivedAt: ARRIVED },
			),
		).toEqual(grant('2026-02-03', 'period'));
		expect(
			accessFor(
				{ event: 'initial', saleID: SALE, period: 'P1M' },
				{ sale: sale({ trialPeriod: 'P7D' }), receivedAt: ARRIVED },
			),
		).toEqual(grant('2026-02-07', 'period'));
		expect(
			accessFor(
				{ event: 'rebill', saleID: SALE, period: 'P1M' },
				{ sale: sale({ trialPeriod: 'P7D' }), receivedAt: ARRIVED },
			),
		).toEqual(extend('2026-02-28', 'period'));
	});

	test('months end on the last day of a shorter month; leap years count', () => {
		const end = (period: string, receivedAt: string) =>
			accessFor({ event: 'initial', saleID: SALE, period }, { receivedAt }).until;
		expect(end('P1M', '2024-01-31T10:00:00Z')).toBe('2024-02-29');
		expect(end('P3M', '2026-11-30T23:59:59Z')).toBe('2027-02-28');
		expect(end('P2W', '2026-12-25T00:00:00Z')).toBe('2027-01-08');
		expect(end('P1Y', '2024-02-29T00:00:00Z')).toBe('2025-02-28');
		expect(end('P1M15D', '2026-01-20T00:00:00Z')).toBe('2026-03-07');
		// The day is the UTC day it arrived.
		expect(end('P7D', '2026-01-31T23:30:00-02:00')).toBe('2026-02-08');
	});

	test.each(['', 'P', 'P0D', 'PT24H', 'P1.5M', '1M', 'p1m', 'P30D ', 'P11Y', 'P9999D', 'monthly'])(
		'an unusable period %j computes nothing: the end is unknown',
		(period) => {
			expect(accessFor({ event: 'rebill', saleID: SALE, period }, { receivedAt: ARRIVED })).toEqual(
				{
					action: 'extend',
					untilSource: 'unknown',
					saleID: SALE,
				},
			);
		},
	);

	test('without a usable arrival time nothing is computed either', () => {
		for (const receivedAt of [undefined, 'yesterday', new Date(Number.NaN)]) {
			expect(
				accessFor({ event: 'rebill', saleID: SALE, period: 'P1M' }, { receivedAt }).untilSource,
			).toBe('unknown');
		}
	});

	test('an answer that is not found, or about another sale, lends nothing', () => {
		for (const answer of [
			{ found: false, saleID: SALE, nextChargeOn: NEXT, period: 'P1M' },
			{ found: true, saleID: OLD_SALE, nextChargeOn: NEXT, period: 'P1M' },
			{ saleID: SALE, nextChargeOn: NEXT, period: 'P1M' },
		]) {
			expect(
				accessFor({ event: 'rebill', saleID: SALE }, { sale: answer, receivedAt: ARRIVED }),
			).toEqual({
				action: 'extend',
				untilSource: 'unknown',
				saleID: SALE,
			});
		}
		// An answer that does not echo the saleID is about what was asked.
		expect(
			accessFor({ event: 'rebill', saleID: SALE }, { sale: { found: true, nextChargeOn: NEXT } }),
		).toEqual(extend(NEXT, 'sale'));
	});
});

describe('accessFor: credits are decided on the money (one test per row of "Credits")', () => {
	const credit = (fields: Partial<AccessPostback> = {}) => ({
		event: 'credit',
		saleID: SALE,
		amountString: '19.99',
		currency: 'EUR',
		...fields,
	});
	const answer = (fields: Record<string, unknown> = {}) => ({
		found: true,
		saleID: SALE,
		priceAmount: '19.99',
		priceCurrency: 'EUR',
		...fields,
	});
	const decided = (row: keyof typeof CREDIT_DECISIONS) => ({
		saleID: SALE,
		...CREDIT_DECISIONS[row],
	});

	test('terminated: a credit that ended the subscription revokes, whatever the amount', () => {
		expect(accessFor(credit({ subscriptionPhase: 'terminated', amountString: '1.00' }))).toEqual(
			decided('terminated'),
		);
		expect(accessFor(credit({ subscriptionPhase: ' Terminated ' }), { sale: answer() })).toEqual(
			decided('terminated'),
		);
	});

	test('full: the credited amount covers the sale’s (compared as decimals) revokes', () => {
		expect(accessFor(credit(), { sale: answer() })).toEqual(decided('full'));
		expect(
			accessFor(credit({ amountString: '19.990' }), { sale: answer({ priceAmount: '19.99' }) }),
		).toEqual(decided('full'));
		// More than the sale's price (several rebills refunded at once) is full too.
		expect(accessFor(credit({ amountString: '39.98' }), { sale: answer() })).toEqual(
			decided('full'),
		);
		expect(accessFor(credit({ currency: 'eur' }), { sale: answer() })).toEqual(decided('full'));
		expect(accessFor(credit({ subscriptionPhase: 'normal' }), { sale: answer() })).toEqual(
			decided('full'),
		);
	});

	test('partial: less than the sale’s amount keeps access, for review', () => {
		expect(accessFor(credit({ amountString: '5.00' }), { sale: answer() })).toEqual(
			decided('partial'),
		);
		expect(accessFor(credit({ amountString: '19.98' }), { sale: answer() })).toEqual(
			decided('partial'),
		);
		expect(
			accessFor(credit({ amountString: '9.99' }), { sale: answer({ priceAmount: '100.00' }) }),
		).toEqual(decided('partial'));
		expect(decided('partial')).toMatchObject({ action: 'keep', review: true });
	});

	test('noSale: without a found status answer the share is unknown: kept, for review', () => {
		expect(accessFor(credit())).toEqual(decided('noSale'));
		expect(accessFor(credit(), { sale: answer({ found: false }) })).toEqual(decided('noSale'));
	});

	test('otherSale: an answer about another sale is not compared', () => {
		expect(accessFor(credit(), { sale: answer({ saleID: OLD_SALE }) })).toEqual(
			decided('otherSale'),
		);
	});

	test.each([undefined, '', '0.00', '19,99', 'free', 19.99])(
		'noSaleAmount: a sale priceAmount %j is not compared',
		(priceAmount) => {
			expect(accessFor(credit(), { sale: answer({ priceAmount }) })).toEqual(
				decided('noSaleAmount'),
			);
		},
	);

	test.each([undefined, '', '5,00', '-5.00'])(
		'noCreditAmount: a credited amount %j is not compared',
		(amountString) => {
			expect(accessFor(credit({ amountString }), { sale: answer() })).toEqual(
				decided('noCreditAmount'),
			);
		},
	);

	test('currency: another or a missing currency is not compared', () => {
		expect(accessFor(credit({ currency: 'USD' }), { sale: answer() })).toEqual(decided('currency'));
		expect(accessFor(credit({ currency: undefined }), { sale: answer() })).toEqual(
			decided('currency'),
		);
		expect(accessFor(credit(), { sale: answer({ priceCurrency: ' ' }) })).toEqual(
			decided('currency'),
		);
	});

	test('every credit says why; only a revoke goes without review', () => {
		for (const row of Object.values(CREDIT_DECISIONS)) {
			expect(row.reason).toMatch(/^[A-Z][^\d]+$/);
			expect('review' in row).toBe(row.action !== 'revoke');
		}
	});

	test('a credit never carries until or untilSource, even with dates', () => {
		const result = accessFor(credit({ nextChargeOn: NEXT, period: 'P1M' }), {
			sale: answer({ nextChargeOn: NEXT }),
			receivedAt: ARRIVED,
		});
		expect(result).not.toHaveProperty('until');
		expect(result).not.toHaveProperty('untilSource');
	});
});

describe('compareAmounts', () => {
	test.each([
		['1.00', '1', 0],
		['19.9', '19.90', 0],
		['019.900', '19.9', 0],
		['5.00', '19.99', -1],
		['19.98', '19.99', -1],
		['100.00', '99.99', 1],
		['0.1', '0.09', 1],
		['9007199254740993.01', '9007199254740993.02', -1],
	])('%s vs %s: %d', (a, b, expected) => {
		expect(compareAmounts(a, b)).toBe(expected);
		expect(compareAmounts(b, a)).toBe(expected === 0 ? 0 : -expected);
	});

	test.each([
		[undefined, '1'],
		['', '1'],
		['1,00', '1'],
		['-1', '1'],
		['1e2', '1'],
	])('%j vs %j: not comparable', (a, b) => {
		expect(compareAmounts(a, b)).toBeUndefined();
	});
});

describe('accessFor: dates are read defensively (community-reported fields)', () => {
	test.each([
		'2026-01-31',
		'2024-02-29',
		'2000-02-29',
		'2026-01-31T00:00:00Z',
		'2026-01-31T23:59:59.123Z',
		'2026-01-31T12:30',
		'2026-01-31T12:30:00+02:00',
		'2026-01-31T12:30:00-0500',
	])('usable: %s is passed on as sent', (date) => {
		expect(access('rebill', { nextChargeOn: date }).until).toBe(date);
	});

	test.each([
		'',
		' 2026-01-31',
		'2026-01-31 ',
		'31.01.2026',
		'01/31/2026',
		'2026-1-31',
		'20260131',
		'2026-13-01',
		'2026-00-10',
		'2026-02-30',
		'2025-02-29',
		'1900-02-29',
		'2026-04-31',
		'2026-11-31',
		'2026-01-00',
		'2026-01-31T24:00:00Z',
		'2026-01-31T12:60:00Z',
		'2026-01-31T12:30:60Z',
		'2026-01-31T12:30:61Z',
		'2026-01-31 12:30:00',
		'2026-01-31t12:30:00z',
		'2026-01-31T12:30:00z',
		'2026-01-31T12:30:00+24:00',
		'2026-01-31T12:30:00+02:60',
		'2026-01-31Tnonsense',
		'next month',
		'1738281600',
		'2026-01-31\n',
	])('garbage: %j gives no until', (date) => {
		expect(access('rebill', { nextChargeOn: date })).toEqual({
			action: 'extend',
			untilSource: 'unknown',
			saleID: SALE,
		});
		expect(access('cancel', { expiresOn: date })).toEqual({ action: 'keep', saleID: SALE });
	});

	test('a garbage first date falls back to a usable second one', () => {
		expect(access('initial', { nextChargeOn: 'soon', expiresOn: EXPIRES })).toEqual(
			grant(EXPIRES, 'postback'),
		);
		expect(access('cancel', { expiresOn: '2026-02-30', nextChargeOn: NEXT })).toEqual(keep(NEXT));
	});

	test('non-string values (hand-built input) give no until', () => {
		const rebill = {
			event: 'rebill',
			saleID: SALE,
			nextChargeOn: 20260131,
		} as unknown as AccessPostback;
		expect(accessFor(rebill)).toEqual({ action: 'extend', untilSource: 'unknown', saleID: SALE });
	});
});

describe('accessFor over parsePostback', () => {
	const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };
	const parse = (params: FlexPayParams) =>
		parsePostback(postbackQuery(TEST_SIGNATURE_KEY, params), config);

	test('a one-time initial postback (community fixture shape) carries expiresOn through to until', () => {
		const postback = parse({
			event: 'initial',
			expiresOn: '2019-06-09',
			paymentMethod: 'CC',
			period: 'P1M',
			priceAmount: '12.31',
			priceCurrency: 'EUR',
			saleID: '500000',
			shopID: TEST_SHOP_ID,
			subscriptionType: 'one-time',
			transactionID: '100100',
			type: 'subscription',
		});
		expect(postback.expiresOn).toBe('2019-06-09');
		expect(accessFor(postback)).toEqual({
			action: 'grant',
			until: '2019-06-09',
			untilSource: 'postback',
			saleID: '500000',
		});
	});

	test('an empty expiresOn is left out of the postback', () => {
		const postback = parse({
			event: 'cancel',
			shopID: TEST_SHOP_ID,
			saleID: SALE,
			type: 'subscription',
			expiresOn: '',
		});
		expect(postback).not.toHaveProperty('expiresOn');
		expect(accessFor(postback)).toEqual({ action: 'keep', saleID: SALE });
	});

	test('an upgrade postback moves access from precededBySaleID', () => {
		const postback = parse({
			event: 'upgrade',
			shopID: TEST_SHOP_ID,
			saleID: SALE,
			precededBySaleID: OLD_SALE,
			type: 'upgradesubscription',
			nextChargeOn: NEXT,
		});
		expect(accessFor(postback)).toEqual({ ...grant(NEXT, 'postback'), replacesSaleID: OLD_SALE });
	});

	test('accessFor is part of the package entry point', () => {
		expect(flexpay.accessFor).toBe(accessFor);
	});
});

describe('docs/events-and-items.md "Access" tables match accessFor', () => {
	const doc = fs.readFileSync(path.join(__dirname, '../../docs/events-and-items.md'), 'utf8');

	/** The rows (cells without the outer pipes) of the table whose first header cell is `first`. */
	function table(first: string): string[][] {
		const lines = doc.split('\n');
		const header = lines.findIndex(
			(line, index) => line.startsWith(`| ${first} |`) && lines[index + 1]?.startsWith('|---'),
		);
		expect(header).toBeGreaterThan(-1);
		const rows: string[][] = [];
		for (const line of lines.slice(header + 2)) {
			if (!line.startsWith('|')) break;
			rows.push(
				line
					.split('|')
					.slice(1, -1)
					.map((cell) => cell.trim()),
			);
		}
		return rows;
	}
	const ticked = (cell: string) => (cell.match(/`[^`]+`/g) ?? []).map((t) => t.slice(1, -1));
	const ACTIONS = new Set(['grant', 'extend', 'keep', 'revoke', 'none']);
	const eventRows = () =>
		new Map(table('`event`').map((cells) => [ticked(cells[0])[0], cells] as const));

	test('one row per known event plus unknown events, with the actions accessFor returns', () => {
		const rows = eventRows();
		const creditActions = new Set(Object.values(CREDIT_DECISIONS).map((row) => row.action));
		for (const event of [...POSTBACK_EVENTS, 'other']) {
			const documented = new Set(ticked(rows.get(event)?.[1] ?? '').filter((t) => ACTIONS.has(t)));
			const actual =
				event === 'credit'
					? creditActions
					: new Set([accessFor({ event: event === 'other' ? 'x' : event }).action]);
			expect([event, [...documented].sort()]).toEqual([event, [...actual].sort()]);
		}
	});

	test('"until from" names the period exactly where the period computes an end', () => {
		for (const [event, cells] of eventRows()) {
			const computed =
				accessFor({ event, saleID: SALE, period: 'P1M' }, { receivedAt: ARRIVED }).untilSource ===
				'period';
			expect([event, /\bperiod\b/.test(cells[2])]).toEqual([event, computed]);
		}
	});

	test('"replacesSaleID" names precededBySaleID and review exactly where accessFor does', () => {
		for (const [event, cells] of eventRows()) {
			const replaces = accessFor({ event, saleID: SALE, precededBySaleID: OLD_SALE });
			const unnamed = accessFor({ event, saleID: SALE, type: 'upgradesubscription' });
			const named = ticked(cells[3]).filter((t) => t === 'precededBySaleID' || t === 'review');
			expect([event, named]).toEqual([
				event,
				[
					...(replaces.replacesSaleID === OLD_SALE ? ['precededBySaleID'] : []),
					...(unnamed.reason === UPGRADE_WITHOUT_PRECEDING_SALE ? ['review'] : []),
				],
			]);
		}
	});

	test('"The end of access" lists every untilSource accessFor gives, in its order', () => {
		const sale = { found: true, saleID: SALE, nextChargeOn: NEXT };
		const given = new Set(
			[
				accessFor({ event: 'rebill', saleID: SALE, nextChargeOn: NEXT }),
				accessFor({ event: 'rebill', saleID: SALE }, { sale }),
				accessFor({ event: 'rebill', saleID: SALE, period: 'P1M' }, { receivedAt: ARRIVED }),
				accessFor({ event: 'rebill', saleID: SALE }),
				accessFor({ event: 'purchase', saleID: SALE }),
			].map((result) => result.untilSource),
		);
		expect(table('`untilSource`').map((cells) => ticked(cells[0])[0])).toEqual([...given]);
	});

	test('"Credits" has one row per decision, in the order they are tried, with its action and reason', () => {
		expect(
			table('when').map((cells) => ({
				action: ticked(cells[1])[0],
				review: ticked(cells[2])[0] === 'true',
				reason: ticked(cells[3])[0],
			})),
		).toEqual(
			Object.values(CREDIT_DECISIONS).map((row) => ({
				action: row.action,
				review: 'review' in row,
				reason: row.reason,
			})),
		);
	});

	test('the upgrade’s review reason is quoted as the code has it', () => {
		expect(doc).toContain(`\`${UPGRADE_WITHOUT_PRECEDING_SALE}\``);
	});
});
