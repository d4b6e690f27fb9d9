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
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { postbackQuery } from '../helpers/postbacks';

const SALE = '700002';
const OLD_SALE = '700001';
const NEXT = '2026-01-31';
const EXPIRES = '2026-02-28';

function access(event: string, fields: Omit<AccessPostback, 'event'> = {}): Access {
	return accessFor({ event, saleID: SALE, ...fields });
}

describe('accessFor: every row of the table', () => {
	test('purchase grants, without until (one-off), even if a date came along', () => {
		expect(access('purchase')).toEqual({ action: 'grant', saleID: SALE });
		expect(access('purchase', { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual({
			action: 'grant',
			saleID: SALE,
		});
	});

	test('initial grants until the next charge, else until expiry', () => {
		expect(access('initial', { nextChargeOn: NEXT })).toEqual({
			action: 'grant',
			until: NEXT,
			saleID: SALE,
		});
		expect(access('initial', { expiresOn: EXPIRES })).toEqual({
			action: 'grant',
			until: EXPIRES,
			saleID: SALE,
		});
		expect(access('initial', { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual({
			action: 'grant',
			until: NEXT,
			saleID: SALE,
		});
		expect(access('initial')).toEqual({ action: 'grant', saleID: SALE });
	});

	test('initial with precededBySaleID (upgradesubscription without event) replaces the old sale', () => {
		expect(access('initial', { nextChargeOn: NEXT, precededBySaleID: OLD_SALE })).toEqual({
			action: 'grant',
			until: NEXT,
			saleID: SALE,
			replacesSaleID: OLD_SALE,
		});
	});

	test('upgrade with precededBySaleID grants the new sale and names the sale it replaces', () => {
		expect(access('upgrade', { nextChargeOn: NEXT, precededBySaleID: OLD_SALE })).toEqual({
			action: 'grant',
			until: NEXT,
			saleID: SALE,
			replacesSaleID: OLD_SALE,
		});
		expect(access('upgrade', { expiresOn: EXPIRES, precededBySaleID: OLD_SALE })).toEqual({
			action: 'grant',
			until: EXPIRES,
			saleID: SALE,
			replacesSaleID: OLD_SALE,
		});
	});

	test('upgrade without precededBySaleID grants the new sale, without replacesSaleID', () => {
		expect(access('upgrade', { nextChargeOn: NEXT })).toEqual({
			action: 'grant',
			until: NEXT,
			saleID: SALE,
		});
		expect(access('upgrade', { precededBySaleID: '' })).toEqual({ action: 'grant', saleID: SALE });
		// A sale cannot replace itself.
		expect(access('upgrade', { precededBySaleID: SALE })).toEqual({
			action: 'grant',
			saleID: SALE,
		});
	});

	test('rebill extends until the new next charge date', () => {
		expect(access('rebill', { nextChargeOn: NEXT })).toEqual({
			action: 'extend',
			until: NEXT,
			saleID: SALE,
		});
		expect(access('rebill', { expiresOn: EXPIRES })).toEqual({
			action: 'extend',
			until: EXPIRES,
			saleID: SALE,
		});
		expect(access('rebill')).toEqual({ action: 'extend', saleID: SALE });
	});

	test('extend extends until the shifted date (next charge or expiry)', () => {
		expect(access('extend', { nextChargeOn: NEXT })).toEqual({
			action: 'extend',
			until: NEXT,
			saleID: SALE,
		});
		expect(access('extend', { expiresOn: EXPIRES })).toEqual({
			action: 'extend',
			until: EXPIRES,
			saleID: SALE,
		});
		expect(access('extend')).toEqual({ action: 'extend', saleID: SALE });
	});

	test('cancel keeps access to the end of the paid period: expiry date first, else the would-be next charge', () => {
		expect(access('cancel', { expiresOn: EXPIRES })).toEqual({
			action: 'keep',
			until: EXPIRES,
			saleID: SALE,
		});
		expect(access('cancel', { nextChargeOn: NEXT })).toEqual({
			action: 'keep',
			until: NEXT,
			saleID: SALE,
		});
		expect(access('cancel', { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual({
			action: 'keep',
			until: EXPIRES,
			saleID: SALE,
		});
		expect(access('cancel')).toEqual({ action: 'keep', saleID: SALE });
	});

	test('uncancel keeps', () => {
		expect(access('uncancel')).toEqual({ action: 'keep', saleID: SALE });
		expect(access('uncancel', { nextChargeOn: NEXT })).toEqual({
			action: 'keep',
			until: NEXT,
			saleID: SALE,
		});
	});

	test('downgrade keeps (only the price of the next rebill changes)', () => {
		expect(access('downgrade')).toEqual({ action: 'keep', saleID: SALE });
		expect(access('downgrade', { nextChargeOn: NEXT })).toEqual({
			action: 'keep',
			until: NEXT,
			saleID: SALE,
		});
	});

	test.each(['expiry', 'credit', 'chargeback'])('%s revokes, never with until', (event) => {
		expect(access(event)).toEqual({ action: 'revoke', saleID: SALE });
		expect(access(event, { nextChargeOn: NEXT, expiresOn: EXPIRES })).toEqual({
			action: 'revoke',
			saleID: SALE,
		});
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
		expect(access(' Rebill ', { nextChargeOn: NEXT })).toEqual({
			action: 'extend',
			until: NEXT,
			saleID: SALE,
		});
	});

	test('without saleID, access names no sale', () => {
		expect(accessFor({ event: 'credit' })).toEqual({ action: 'revoke' });
		expect(accessFor({ event: 'upgrade', saleID: '', precededBySaleID: OLD_SALE })).toEqual({
			action: 'grant',
			replacesSaleID: OLD_SALE,
		});
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
		expect(access('rebill', { nextChargeOn: date })).toEqual({ action: 'extend', saleID: SALE });
		expect(access('cancel', { expiresOn: date })).toEqual({ action: 'keep', saleID: SALE });
	});

	test('a garbage first date falls back to a usable second one', () => {
		expect(access('initial', { nextChargeOn: 'soon', expiresOn: EXPIRES })).toEqual({
			action: 'grant',
			until: EXPIRES,
			saleID: SALE,
		});
		expect(access('cancel', { expiresOn: '2026-02-30', nextChargeOn: NEXT })).toEqual({
			action: 'keep',
			until: NEXT,
			saleID: SALE,
		});
	});

	test('non-string values (hand-built input) give no until', () => {
		const rebill = {
			event: 'rebill',
			saleID: SALE,
			nextChargeOn: 20260131,
		} as unknown as AccessPostback;
		expect(accessFor(rebill)).toEqual({ action: 'extend', saleID: SALE });
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
		expect(accessFor(postback)).toEqual({ action: 'grant', until: '2019-06-09', saleID: '500000' });
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
		expect(accessFor(postback)).toEqual({
			action: 'grant',
			until: NEXT,
			saleID: SALE,
			replacesSaleID: OLD_SALE,
		});
	});

	test('accessFor is part of the package entry point', () => {
		expect(flexpay.accessFor).toBe(accessFor);
	});
});

describe('docs/events-and-items.md "Access" table matches accessFor', () => {
	test('one row per known event plus unknown events, with the action accessFor returns', () => {
		const doc = fs.readFileSync(path.join(__dirname, '../../docs/events-and-items.md'), 'utf8');
		const section = doc.split('\n## Access\n')[1]?.split('\n#')[0];
		expect(section).toBeDefined();
		const rows = new Map<string, string>();
		for (const line of section!.split('\n')) {
			const cells = line.split('|').map((cell) => cell.trim());
			if (cells.length < 4 || !/^`/.test(cells[1])) continue;
			const action = /^`(\w+)`/.exec(cells[2])?.[1];
			for (const event of cells[1].match(/`[^`]+`/g) ?? [])
				rows.set(event.slice(1, -1), action ?? '');
		}
		for (const event of POSTBACK_EVENTS)
			expect([event, rows.get(event)]).toEqual([event, accessFor({ event }).action]);
		expect(rows.get('other')).toBe('none');
	});
});
