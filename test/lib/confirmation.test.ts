/**
 * crossCheckPostback: what the status service says against what the postback
 * claims, one case per rule, each failing on its own from an answer that
 * otherwise confirms; and accessWhenConfirmed, which holds back a grant or
 * extend without a confirmation.
 */
import {
	accessFor,
	accessWhenConfirmed,
	crossCheckPostback,
	parsePostback,
	parseStatusResponse,
	sameAmount,
	type ConfirmationPostback,
	type ConfirmationStatus,
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { postbackQuery, PURCHASE_POSTBACK } from '../helpers/postbacks';

const SALE = '700001';

/** A purchase postback and a status answer that confirms it. */
const POSTBACK: ConfirmationPostback = {
	event: 'purchase',
	shopID: TEST_SHOP_ID,
	saleID: SALE,
	referenceID: 'order-1001',
	custom1: 'user-42',
	amountString: '19.90',
	currency: 'EUR',
};

const STATUS: ConfirmationStatus = {
	response: 'FOUND',
	found: true,
	shopID: TEST_SHOP_ID,
	saleID: SALE,
	referenceID: 'order-1001',
	saleResult: 'APPROVED',
	priceAmount: '19.90',
	priceCurrency: 'EUR',
	fields: { custom1: 'user-42' },
};

const without = <T extends object>(object: T, key: keyof T): T => {
	const copy = { ...object };
	delete copy[key];
	return copy;
};

describe('crossCheckPostback', () => {
	test('an answer that agrees on every rule confirms', () => {
		expect(crossCheckPostback(POSTBACK, STATUS)).toEqual({ confirmed: true });
	});

	test('through the parsers: a signed postback and the status text of the same sale', () => {
		const query = postbackQuery(TEST_SIGNATURE_KEY, {
			...PURCHASE_POSTBACK,
			saleID: SALE,
			priceAmount: '19.90',
			priceCurrency: 'EUR',
		});
		const postback = parsePostback(query, {
			shopId: TEST_SHOP_ID,
			signatureKey: TEST_SIGNATURE_KEY,
		});
		const status = parseStatusResponse(
			`response: FOUND\nsaleID: ${SALE}\nshopID: ${TEST_SHOP_ID}\nsaleResult: APPROVED\npriceAmount: 19.9\npriceCurrency: EUR\n`,
		);
		expect(crossCheckPostback(postback, status)).toEqual({ confirmed: true });
		const other = parseStatusResponse(
			`response: FOUND\nsaleID: ${SALE}\nsaleResult: APPROVED\npriceAmount: 1.99\npriceCurrency: EUR\n`,
		);
		expect(crossCheckPostback(postback, other)).toEqual({
			confirmed: false,
			reason: 'The amount differs from the status service’s',
		});
	});

	// Each row changes one thing of the confirming pair; the reason names the rule, never a value.
	test.each<
		[
			string,
			Partial<ConfirmationPostback> | ((p: ConfirmationPostback) => ConfirmationPostback),
			Partial<ConfirmationStatus> | ((s: ConfirmationStatus) => ConfirmationStatus),
			string,
		]
	>([
		[
			'NOTFOUND',
			{},
			{ response: 'NOTFOUND', found: false },
			'The status service does not know this sale',
		],
		['ERROR', {}, { response: 'ERROR', found: false }, 'The status service answered ERROR'],
		[
			'FOUND but found false (inconsistent object)',
			{},
			{ found: false },
			'The status answer does not report the sale as found',
		],
		['another shopID', {}, { shopID: '999999' }, 'The status service names another shopID'],
		['another saleID', {}, { saleID: '700002' }, 'The status service names another saleID'],
		[
			'another referenceID',
			{},
			{ referenceID: 'order-9' },
			'The status service names another referenceID',
		],
		[
			'another custom1 (the buyer’s account)',
			{},
			{ fields: { custom1: 'user-666' } },
			'The status service names another custom1',
		],
		[
			'another custom3',
			{ custom3: 'gold' },
			{ fields: { custom1: 'user-42', custom3: 'silver' } },
			'The status service names another custom3',
		],
		[
			'no saleResult',
			{},
			(s) => without(s, 'saleResult'),
			'The status answer carries no saleResult',
		],
		['empty saleResult', {}, { saleResult: ' ' }, 'The status answer carries no saleResult'],
		['saleResult DECLINED', {}, { saleResult: 'DECLINED' }, 'The sale result is not APPROVED'],
		['another amount', {}, { priceAmount: '9.99' }, 'The amount differs from the status service’s'],
		['a cent more', {}, { priceAmount: '19.91' }, 'The amount differs from the status service’s'],
		[
			'no priceAmount',
			{},
			(s) => without(s, 'priceAmount'),
			'The status answer carries no readable priceAmount',
		],
		[
			'unreadable priceAmount',
			{},
			{ priceAmount: '19,90' },
			'The status answer carries no readable priceAmount',
		],
		[
			'postback without amount',
			(p) => without(p, 'amountString'),
			{},
			'The postback carries no readable amount',
		],
		[
			'another currency',
			{},
			{ priceCurrency: 'USD' },
			'The currency differs from the status service’s',
		],
		[
			'no priceCurrency',
			{},
			(s) => without(s, 'priceCurrency'),
			'The status answer carries no priceCurrency',
		],
		[
			'postback without currency',
			(p) => without(p, 'currency'),
			{},
			'The postback carries no currency',
		],
	])('%s: not confirmed', (_name, postbackChange, statusChange, reason) => {
		const postback =
			typeof postbackChange === 'function'
				? postbackChange(POSTBACK)
				: { ...POSTBACK, ...postbackChange };
		const status =
			typeof statusChange === 'function' ? statusChange(STATUS) : { ...STATUS, ...statusChange };
		const verdict = crossCheckPostback(postback, status);
		expect(verdict).toEqual({ confirmed: false, reason });
		// No value of either side in the reason.
		for (const value of [
			'999999',
			'700002',
			'order-9',
			'user-666',
			'silver',
			'9.99',
			'19.91',
			'19,90',
			'USD',
			'DECLINED',
		])
			expect(reason).not.toContain(value);
	});

	test('amounts are compared as decimals, not as text or floating point', () => {
		for (const [a, b] of [
			['19.9', '19.90'],
			['019.90', '19.9'],
			['20', '20.00'],
			['0.00', '0'],
		]) {
			expect(sameAmount(a, b)).toBe(true);
			expect(
				crossCheckPostback({ ...POSTBACK, amountString: a }, { ...STATUS, priceAmount: b }),
			).toEqual({ confirmed: true });
		}
		// Equal as JavaScript numbers, different as decimals.
		expect(Number('0.10000000000000000001')).toBe(Number('0.1'));
		expect(sameAmount('0.10000000000000000001', '0.1')).toBe(false);
		for (const [a, b] of [
			['1.5', '15'],
			['10', '1.0'],
			['', ''],
			[undefined, undefined],
			['-1', '-1'],
			['1e2', '100'],
		])
			expect(sameAmount(a, b)).toBe(false);
	});

	test('fields the status answer does not name are not compared: shopID, saleID, referenceID, custom1-3', () => {
		const bare = {
			...without(without(without(STATUS, 'shopID'), 'saleID'), 'referenceID'),
			fields: {},
		};
		expect(crossCheckPostback(POSTBACK, bare)).toEqual({ confirmed: true });
		// Nor what the postback does not name (a sale looked up by referenceID).
		expect(crossCheckPostback(without(POSTBACK, 'saleID'), STATUS)).toEqual({ confirmed: true });
	});

	test('saleResult and currency: case and surrounding spaces aside', () => {
		expect(
			crossCheckPostback(
				{ ...POSTBACK, currency: 'eur' },
				{ ...STATUS, saleResult: ' approved ', priceCurrency: 'EUR ' },
			),
		).toEqual({ confirmed: true });
	});

	test('initial and upgrade open a sale: amount and currency are compared', () => {
		for (const event of ['initial', 'upgrade']) {
			expect(crossCheckPostback({ ...POSTBACK, event }, STATUS)).toEqual({ confirmed: true });
			expect(
				crossCheckPostback({ ...POSTBACK, event }, { ...STATUS, priceAmount: '9.99' }),
			).toMatchObject({ confirmed: false });
			expect(
				crossCheckPostback({ ...POSTBACK, event }, { ...STATUS, priceCurrency: 'USD' }),
			).toMatchObject({ confirmed: false });
		}
	});

	test('other events move another amount than the sale price: not compared, the other rules hold', () => {
		for (const event of ['rebill', 'extend', 'credit', 'chargeback', 'cancel', 'something-new']) {
			const postback = { ...POSTBACK, event, amountString: '4.95', currency: 'USD' };
			expect(crossCheckPostback(postback, STATUS)).toEqual({ confirmed: true });
			expect(crossCheckPostback(postback, { ...STATUS, saleResult: 'DECLINED' })).toMatchObject({
				confirmed: false,
			});
			expect(
				crossCheckPostback(postback, { ...STATUS, response: 'NOTFOUND', found: false }),
			).toMatchObject({ confirmed: false });
		}
	});
});

describe('accessWhenConfirmed', () => {
	const notConfirmed = {
		confirmed: false as const,
		reason: 'The status service does not know this sale',
	};

	test('confirmed: every access passes unchanged', () => {
		for (const event of ['purchase', 'initial', 'rebill', 'cancel', 'expiry', 'credit', 'other']) {
			const access = accessFor({
				event,
				saleID: SALE,
				nextChargeOn: '2026-01-31',
				precededBySaleID: '600001',
			});
			expect(accessWhenConfirmed(access, { confirmed: true })).toEqual(access);
		}
	});

	test('not confirmed: grant and extend become none, with what was held back and why; until and replacesSaleID go', () => {
		expect(
			accessWhenConfirmed(
				accessFor({
					event: 'upgrade',
					saleID: SALE,
					nextChargeOn: '2026-01-31',
					precededBySaleID: '600001',
				}),
				notConfirmed,
			),
		).toEqual({
			action: 'none',
			saleID: SALE,
			withheld: 'grant',
			review: true,
			reason: 'Not confirmed: The status service does not know this sale',
		});
		expect(
			accessWhenConfirmed(
				accessFor({ event: 'rebill', saleID: SALE, nextChargeOn: '2026-01-31' }),
				notConfirmed,
			),
		).toEqual({
			action: 'none',
			saleID: SALE,
			withheld: 'extend',
			review: true,
			reason: 'Not confirmed: The status service does not know this sale',
		});
	});

	test('not confirmed: revoke, keep and none are never held back', () => {
		for (const event of [
			'expiry',
			'credit',
			'chargeback',
			'cancel',
			'uncancel',
			'downgrade',
			'something-new',
		]) {
			const access = accessFor({ event, saleID: SALE, expiresOn: '2026-01-31' });
			expect(accessWhenConfirmed(access, notConfirmed)).toEqual(access);
		}
	});
});
