/**
 * Property-based fuzz of parsePostback with fast-check (fixed seeds): real
 * postbacks and redirects, signed with the key, mutated by an attacker who
 * does not have it (mutations.ts). Each mutated query is either refused with a
 * FlexPayError or read with exactly the signed original's meaning (same
 * parameters, event, saleID, amount, currency, shopID, type). Signed requests
 * (payment links, cancel links, status requests) under the same mutations are
 * never read as a sale at all. Prints the counts once.
 */
import fc from 'fast-check';

import { FlexPayError, parsePostback, type FlexPayPostback, type FlexPayParams } from '../../lib';
import { TEST_SHOP_ID } from '../fixtures/flexpay';
import {
	CANCEL,
	CHARGEBACK,
	CREDIT,
	PURCHASE,
	PURCHASE_REDIRECT,
	REBILL,
	UNCANCEL,
	sign,
} from '../trigger/fixtures';
import {
	asMap,
	DECODED_OPS,
	encode,
	ENCODERS,
	mutateDecoded,
	mutateRaw,
	OPS,
	TEXT_UNITS,
	type Mutation,
	type Seg,
} from './mutations';
import { CONFIG, requestCases, signedOnly } from './requests';

const POSTBACK_RUNS = 100_000;
const REQUEST_RUNS = 20_000;

/** Real-shaped messages, including values that exercise the encoding (space, Unicode, `&?=`, `:` without a name, `%`, `+`). */
const SALES: FlexPayParams[] = [
	PURCHASE,
	CREDIT,
	CHARGEBACK,
	REBILL,
	CANCEL,
	UNCANCEL,
	PURCHASE_REDIRECT,
	{
		event: 'initial',
		shopID: TEST_SHOP_ID,
		saleID: '700010',
		transactionID: '900020',
		priceAmount: '9.95',
		priceCurrency: 'USD',
		type: 'subscription',
		subscriptionType: 'recurring',
		period: 'P30D',
		nextChargeOn: '2026-02-01',
		custom1: 'Dščř € 😀',
		custom2: 'a&b=c?d #1',
		custom3: 'at 12:30 100% +1',
	},
	{ ...PURCHASE, saleID: '700005', custom3: 'x=1:y', referenceID: 'ref:42' },
];

interface Base {
	segs: Seg[];
	meaning: string;
}

/** What a postback means: the fields a workflow acts on and the whole parameter map. */
function meaningOf(p: FlexPayPostback): string {
	const params = Object.keys(p.params)
		.sort()
		.map((k) => [k, p.params[k]]);
	return JSON.stringify([
		p.event,
		p.saleID,
		p.amount,
		p.currency,
		p.shopID,
		p.type,
		p.test ?? false,
		params,
	]);
}

function segsOf(signed: FlexPayParams): Seg[] {
	return Object.entries(signed).map(([k, v]) => ({ k, v }));
}

const POSTBACK_BASES: Base[] = SALES.flatMap((params) =>
	(['sha256', 'sha1'] as const).map((algorithm) => {
		const signed = sign(params, algorithm);
		const original = parsePostback(encode(segsOf(signed), [0]), CONFIG);
		return { segs: segsOf(signed), meaning: meaningOf(original) };
	}),
);

/** Every signed request of the catalogue, as the buyer can strip it (its signed parameters only). */
const REQUEST_BASES: Seg[][] = requestCases().map((c) => segsOf(signedOnly(c.params)));

const text = fc.string({ unit: fc.constantFrom(...TEXT_UNITS), maxLength: 6 });
const mutation: fc.Arbitrary<Mutation> = fc.record({
	op: fc.nat({ max: OPS - 1 }),
	a: fc.nat({ max: 4095 }),
	b: fc.nat({ max: 4095 }),
	t: text,
});
const caseOf = (bases: number) =>
	fc.record({
		base: fc.nat({ max: bases - 1 }),
		encoders: fc.array(fc.nat({ max: ENCODERS.length - 1 }), { minLength: 1, maxLength: 4 }),
		mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
		asMap: fc.nat({ max: 7 }).map((n) => n === 0),
	});
type Case = { base: number; encoders: number[]; mutations: Mutation[]; asMap: boolean };

/** The mutated input: decoded-level mutations, then encoding, then raw-level ones (or the map a framework would make). */
function inputOf(segs: Seg[], c: Case): string | Record<string, unknown> {
	let current = segs;
	for (const m of c.mutations) if (m.op < DECODED_OPS) current = mutateDecoded(current, m);
	if (c.asMap) return asMap(current);
	let raw = encode(current, c.encoders);
	for (const m of c.mutations) if (m.op >= DECODED_OPS) raw = mutateRaw(raw, m);
	return raw;
}

type Outcome = { accepted: FlexPayPostback } | { code: string };

function attempt(input: string | Record<string, unknown>): Outcome {
	try {
		return { accepted: parsePostback(input, CONFIG) };
	} catch (error) {
		// Anything but a typed FlexPayError (a TypeError, a RangeError) fails the property.
		if (!(error instanceof FlexPayError)) throw error;
		return { code: error.code };
	}
}

const counts = {
	postbacks: {
		runs: 0,
		acceptedSameMeaning: 0,
		acceptedOtherMeaning: 0,
		refused: {} as Record<string, number>,
		seconds: 0,
	},
	requests: { runs: 0, accepted: 0, refused: {} as Record<string, number>, seconds: 0 },
};

// Refusals are thrown errors; their stack traces are never read here and cost more than the parsing.
const stackTraceLimit = Error.stackTraceLimit;
beforeAll(() => {
	Error.stackTraceLimit = 0;
});

afterAll(() => {
	Error.stackTraceLimit = stackTraceLimit;
	console.log(`adversarial fuzz (fast-check, fixed seeds): ${JSON.stringify(counts)}`);
});

describe('fuzz: mutated signed messages, attacker without the key', () => {
	test(`${POSTBACK_RUNS} mutated real postbacks: refused, or read with the signed meaning`, () => {
		const started = performance.now();
		const c = counts.postbacks;
		fc.assert(
			fc.property(caseOf(POSTBACK_BASES.length), (k) => {
				const base = POSTBACK_BASES[k.base];
				const outcome = attempt(inputOf(base.segs, k));
				c.runs++;
				if ('code' in outcome) {
					c.refused[outcome.code] = (c.refused[outcome.code] ?? 0) + 1;
					return true;
				}
				if (meaningOf(outcome.accepted) === base.meaning) {
					c.acceptedSameMeaning++;
					return true;
				}
				c.acceptedOtherMeaning++;
				return false;
			}),
			{ seed: 20261206, numRuns: POSTBACK_RUNS },
		);
		c.seconds = Math.round((performance.now() - started) / 100) / 10;
		expect(c.acceptedOtherMeaning).toBe(0);
		// Not vacuous: meaning-preserving mutations (re-encoding, reordering, signature case) are accepted,
		// and regrouping, which keeps the signature valid, is what the boundary check refuses.
		expect(c.acceptedSameMeaning).toBeGreaterThan(POSTBACK_RUNS / 50);
		expect(c.refused.MALFORMED_QUERY).toBeGreaterThan(POSTBACK_RUNS / 50);
		expect(c.refused.SIGNATURE_INVALID).toBeGreaterThan(POSTBACK_RUNS / 50);
		expect(c.refused.SIGNATURE_MISSING).toBeGreaterThan(0);
	});

	test(`${REQUEST_RUNS} mutated signed requests (links, status requests): never read as a sale`, () => {
		const started = performance.now();
		const c = counts.requests;
		fc.assert(
			fc.property(caseOf(REQUEST_BASES.length), (k) => {
				const outcome = attempt(inputOf(REQUEST_BASES[k.base], k));
				c.runs++;
				if ('code' in outcome) {
					c.refused[outcome.code] = (c.refused[outcome.code] ?? 0) + 1;
					return true;
				}
				c.accepted++;
				return false;
			}),
			{ seed: 20261207, numRuns: REQUEST_RUNS },
		);
		c.seconds = Math.round((performance.now() - started) / 100) / 10;
		expect(c.accepted).toBe(0);
		// The mutations that keep the signature valid reach the sale-shape check.
		expect(c.refused.NOT_A_SALE_MESSAGE).toBeGreaterThan(REQUEST_RUNS / 50);
	});
});
