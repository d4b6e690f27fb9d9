/**
 * buildSamplePostback: the one home of "which parameters a postback of each
 * event carries". Every sample must be accepted by the protocol core's own
 * postback verification with the same key, refused with another key, and
 * carry the parameters Verotel sends for its event. The developer CLI
 * (scripts/postback.mjs) must build its postbacks through it, from dist.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	buildSamplePostback,
	FlexPaySignatureError,
	FlexPayValidationError,
	parsePostback,
	parseRawQuery,
	POSTBACK_EVENTS,
	randomVerotelId,
	SAMPLE_BUYER_EMAIL,
	sampleSaleStatus,
	TEST_BUYER_EMAIL_PARAM,
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';

const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };
const fixedIds = (digits: number) => '9'.repeat(digits);

const SUBSCRIPTION = [
	'initial',
	'rebill',
	'extend',
	'downgrade',
	'upgrade',
	'cancel',
	'uncancel',
	'expiry',
];

describe('buildSamplePostback: one correctly signed postback per event', () => {
	it.each(POSTBACK_EVENTS.map((event) => [event]))('%s', (event) => {
		const sample = buildSamplePostback(config, { event, saleID: '433456' }, fixedIds);
		const { signature, ...signed } = sample.params;
		expect(signature).toBe(sample.signature);
		expect(signature).toMatch(/^[0-9a-f]{64}$/);
		expect(Object.keys(sample.params).pop()).toBe('signature');

		// What every event carries.
		expect(signed).toMatchObject({
			shopID: TEST_SHOP_ID,
			saleID: '433456',
			transactionID: '99999999',
			referenceID: 'order-433456',
			type: SUBSCRIPTION.includes(event) ? 'subscription' : 'purchase',
			paymentMethod: 'CC',
		});
		// A purchase has no event parameter; every other event names itself.
		if (event === 'purchase') expect(signed).not.toHaveProperty('event');
		else expect(signed.event).toBe(event);
		// A rebill names its price amount/currency, every other event priceAmount/priceCurrency.
		if (event === 'rebill') {
			expect(signed).toMatchObject({ amount: '9.99', currency: 'EUR' });
			expect(signed).not.toHaveProperty('priceAmount');
		} else {
			expect(signed).toMatchObject({ priceAmount: '9.99', priceCurrency: 'EUR' });
			expect(signed).not.toHaveProperty('amount');
		}
		// Refunds and chargebacks refer to the original transaction.
		if (event === 'credit' || event === 'chargeback') expect(signed.parentID).toBe('99999999');
		else expect(signed).not.toHaveProperty('parentID');

		// The query is exactly these parameters, in this order.
		expect(parseRawQuery(sample.query)).toEqual(sample.params);
		expect(sample.query.split('&').map((pair) => pair.split('=')[0])).toEqual(
			Object.keys(sample.params),
		);

		// The protocol core's verification accepts it with the same key and reads the event back.
		const parsed = parsePostback(sample.query, config);
		expect(parsed).toMatchObject({
			event,
			saleID: '433456',
			shopID: TEST_SHOP_ID,
			amount: 9.99,
			currency: 'EUR',
			signatureAlgorithm: 'sha256',
		});
		expect(sample.event).toBe(parsed.event);
		expect(sample.saleID).toBe('433456');

		// ... and refuses it with another key.
		expect(() =>
			parsePostback(sample.query, { shopId: TEST_SHOP_ID, signatureKey: `${TEST_SIGNATURE_KEY}x` }),
		).toThrow(FlexPaySignatureError);
		// The key itself is never part of what is sent.
		expect(JSON.stringify(sample)).not.toContain(TEST_SIGNATURE_KEY);
	});

	it('takes amount, currency, reference ID, custom1 and IDs as given (amount formatted as nnn.nn)', () => {
		const sample = buildSamplePostback(config, {
			event: 'credit',
			saleID: '1001',
			transactionID: '2002',
			parentID: '3003',
			referenceID: 'order 42/€',
			amount: '19.9',
			currency: 'usd',
			custom1: 'user-42',
		});
		expect(sample.params).toMatchObject({
			saleID: '1001',
			transactionID: '2002',
			parentID: '3003',
			referenceID: 'order 42/€',
			priceAmount: '19.90',
			priceCurrency: 'USD',
			custom1: 'user-42',
		});
		expect(sample.query).toContain('referenceID=order+42%2F%E2%82%AC');
		expect(parsePostback(sample.query, config)).toMatchObject({
			referenceID: 'order 42/€',
			custom1: 'user-42',
			amountString: '19.90',
			parentID: '3003',
		});
	});

	it('is deterministic for given IDs, and random (crypto) IDs by default', () => {
		const a = buildSamplePostback(config, { event: 'credit' }, fixedIds);
		const b = buildSamplePostback(config, { event: 'credit' }, fixedIds);
		expect(a).toEqual(b);
		expect(a.saleID).toBe('9999999');

		const seen = new Set<string>();
		for (let i = 0; i < 20; i++) {
			const sample = buildSamplePostback(config, { event: 'credit' });
			expect(sample.saleID).toMatch(/^[1-9]\d{6}$/);
			expect(sample.params.transactionID).toMatch(/^[1-9]\d{7}$/);
			expect(sample.params.parentID).toMatch(/^[1-9]\d{7}$/);
			seen.add(sample.saleID);
		}
		expect(seen.size).toBeGreaterThan(15);
		expect(randomVerotelId(3)).toMatch(/^[1-9]\d{2}$/);
	});

	it('signs with legacy SHA-1 on request (accepted unless the verifier refuses SHA-1)', () => {
		const sample = buildSamplePostback(config, { algorithm: 'sha1' }, fixedIds);
		expect(sample.signature).toMatch(/^[0-9a-f]{40}$/);
		expect(parsePostback(sample.query, config).signatureAlgorithm).toBe('sha1');
		expect(() => parsePostback(sample.query, config, { allowSha1: false })).toThrow(
			FlexPaySignatureError,
		);
	});

	it('defaults to a purchase; an event name this version does not know is sent as such', () => {
		expect(buildSamplePostback(config, {}, fixedIds).event).toBe('purchase');
		const other = buildSamplePostback(config, { event: 'Refund' }, fixedIds);
		expect(other.params).toMatchObject({ event: 'refund', type: 'purchase' });
		expect(parsePostback(other.query, config).event).toBe('refund');
	});

	it.each([
		['saleID', { saleID: 'S-1' }],
		['saleID', { saleID: '123456789012345678901' }],
		['transactionID', { transactionID: '12a' }],
		['parentID', { event: 'credit', parentID: '-1' }],
		['priceAmount', { amount: '9,99' }],
		['priceAmount', { amount: 'nine' }],
		['priceCurrency', { currency: 'BTC' }],
		['custom1', { custom1: 'user-42:event=credit' }],
		['custom1', { custom1: 'line\nbreak' }],
		['referenceID', { referenceID: 'a:shopID=1' }],
		['event', { event: 'a:b=c' }],
	])(
		'refuses an unusable %s with a field error (the trigger would refuse it too)',
		(field, input) => {
			let caught: unknown;
			try {
				buildSamplePostback(config, input);
			} catch (error) {
				caught = error;
			}
			expect(caught).toBeInstanceOf(FlexPayValidationError);
			expect((caught as FlexPayValidationError).field).toBe(field);
			expect((caught as FlexPayValidationError).hint).toBeTruthy();
			expect(String((caught as Error).message)).not.toContain(TEST_SIGNATURE_KEY);
		},
	);

	it('checks the configuration like every other signing function (values never quoted)', () => {
		expect(() =>
			buildSamplePostback({ shopId: TEST_SIGNATURE_KEY, signatureKey: TEST_SIGNATURE_KEY }),
		).toThrow(/Shop ID is not a numeric website ID/);
		expect(() => buildSamplePostback({ shopId: TEST_SHOP_ID, signatureKey: ' ' })).toThrow(
			/Signature key is empty/,
		);
	});
});

describe("a test postback's sample sale", () => {
	it('buyerEmail is signed into a test postback, and refused in one that stands for Verotel', () => {
		const sample = buildSamplePostback(config, { buyerEmail: 'me@shop.example' }, fixedIds);
		expect(sample.params[TEST_BUYER_EMAIL_PARAM]).toBe('me@shop.example');
		expect(parsePostback(sample.query, config).params[TEST_BUYER_EMAIL_PARAM]).toBe(
			'me@shop.example',
		);
		expect(() =>
			buildSamplePostback(config, { buyerEmail: 'me@shop.example', test: false }),
		).toThrow(/only for test postbacks/);
		for (const bad of ['not-an-address', 'a b@c.d', 'a@b@c'])
			expect(() => buildSamplePostback(config, { buyerEmail: bad })).toThrow(
				FlexPayValidationError,
			);
	});

	it("sampleSaleStatus: FOUND and approved, the postback's IDs, price and e-mail", () => {
		const sample = buildSamplePostback(
			config,
			{
				event: 'rebill',
				amount: '12.50',
				currency: 'USD',
				custom1: 'user-7',
				buyerEmail: 'me@shop.example',
			},
			fixedIds,
		);
		const status = sampleSaleStatus(parsePostback(sample.query, config).params);
		expect(status).toMatchObject({
			response: 'FOUND',
			found: true,
			saleID: '9999999',
			shopID: TEST_SHOP_ID,
			referenceID: 'order-9999999',
			saleResult: 'APPROVED',
			email: 'me@shop.example',
			priceAmount: '12.50',
			priceCurrency: 'USD',
			paymentMethod: 'CC',
			billingAddress: { fullName: 'Sample Buyer (test postback)' },
		});
		expect(status.fields.custom1).toBe('user-7');
		const plain = buildSamplePostback(config, {}, fixedIds);
		expect(sampleSaleStatus(parsePostback(plain.query, config).params).email).toBe(
			SAMPLE_BUYER_EMAIL,
		);
	});
});

describe('scripts/postback.mjs builds its postbacks with buildSamplePostback (from dist)', () => {
	const root = path.resolve(__dirname, '..', '..');
	const script = path.join(root, 'scripts', 'postback.mjs');

	it('has no copy of the per-event rules of its own', () => {
		const source = fs.readFileSync(script, 'utf8');
		expect(source).toContain('buildSamplePostback(');
		expect(source).not.toMatch(/'uncancel'|'chargeback'|parentID|truncatedPAN/);
	});

	it('its buildPostback() output verifies per event; --tamper does not', () => {
		expect(fs.existsSync(path.join(root, 'dist', 'lib', 'samplePostback.js'))).toBe(true); // run `npm run build` first
		const program = `
			import { buildPostback } from ${JSON.stringify(script)};
			const events = JSON.parse(process.argv[1]);
			const out = events.map((event) => buildPostback({ event, shopId: ${JSON.stringify(TEST_SHOP_ID)}, key: ${JSON.stringify(TEST_SIGNATURE_KEY)}, saleId: '4242', custom1: 'u-1' }));
			out.push(buildPostback({ event: 'rebill', shopId: ${JSON.stringify(TEST_SHOP_ID)}, key: ${JSON.stringify(TEST_SIGNATURE_KEY)}, saleId: '4242', tamper: true }));
			console.log(JSON.stringify(out));
		`;
		const stdout = execFileSync(
			process.execPath,
			['--input-type=module', '-e', program, JSON.stringify(POSTBACK_EVENTS)],
			{
				cwd: root,
				encoding: 'utf8',
			},
		);
		const queries = JSON.parse(stdout) as string[];
		const tampered = queries.pop() as string;
		POSTBACK_EVENTS.forEach((event, index) => {
			const parsed = parsePostback(queries[index], config);
			expect(parsed).toMatchObject({ event, saleID: '4242', custom1: 'u-1' });
			// The same postback as the lib builds with the IDs the CLI drew (transactionID, then parentID).
			const drawn = [parsed.params.transactionID, parsed.params.parentID];
			const expected = buildSamplePostback(
				config,
				{ event, saleID: '4242', custom1: 'u-1' },
				() => drawn.shift() as string,
			);
			expect(queries[index]).toBe(expected.query);
		});
		expect(tampered).toContain('amount=0.01');
		expect(() => parsePostback(tampered, config)).toThrow(FlexPaySignatureError);
	});
});
