/**
 * The trigger's refusal logs never carry request text. Anyone can send
 * anything to a postback URL; what the trigger logs about a refusal must not
 * let him write into the merchant's logs. Only the parameter names Verotel
 * sends may be quoted (rejection.ts). 1,000 fuzzed unsigned or malformed
 * requests (fast-check, fixed seed) through the real webhook(): every name and
 * value the sender chose is built from canary atoms `qz…`, which no fixed log
 * text contains, so any leak, even a cut one, is found.
 */
import fc from 'fast-check';

import { POSTBACK_PARAMS, SIGNED_REQUEST_PARAMS } from '../../lib';
import { PURCHASE, sign } from '../trigger/fixtures';
import { forgetTriggerState, harness } from '../trigger/webhook-harness';
import { DECODED_OPS, encode, ENCODERS, mutateRaw, RAW_OPS, type Seg } from './mutations';
import { FORM, logText } from './support';

beforeEach(forgetTriggerState);

const CANARY = 'qz';
const atom = fc
	.integer({ min: 36 ** 4, max: 36 ** 5 - 1 })
	.map((n) => `${CANARY}${n.toString(36)}`);

/*
 * Names: atoms joined by the name class, or by what makes a name invalid,
 * the double quote included (it once shifted the quotes the redaction relies on).
 */
const VALID_NAME_BITS = ['_', '.', '-'];
const INVALID_NAME_BITS = [
	'"',
	'[',
	']',
	'[]',
	' ',
	'€',
	'(',
	')',
	"'",
	':',
	'/',
	'=',
	'<',
	'>',
	'{',
	'}',
	'\\',
	'*',
	'!',
	'\u0001',
	'😀',
];
const PLAIN_VALUE_BITS = [
	' ',
	'+',
	'"',
	"'",
	'č',
	'😀',
	'=',
	'&',
	'%',
	'#',
	'?',
	'credit',
	'0.01',
	'"(a parameter)"',
	'saleID',
];
/** Bits that make a value unreadable: control characters, `:name=`. */
const BAD_VALUE_BITS = ['\u0001', '\n', '\u0085', ':event=', ':saleID='];

const nameWith = (bits: string[]) =>
	fc
		.tuple(atom, fc.array(fc.oneof(atom, fc.constantFrom(...bits)), { maxLength: 3 }))
		.map(([first, rest]) => [first, ...rest].join(''));
const unknownName = fc.oneof(
	{ weight: 10, arbitrary: nameWith(VALID_NAME_BITS) },
	{ weight: 2, arbitrary: nameWith([...VALID_NAME_BITS, ...INVALID_NAME_BITS]) },
	{
		weight: 1,
		arbitrary: fc
			.tuple(fc.constantFrom(...INVALID_NAME_BITS), atom)
			.map(([bit, a]) => `${bit}${a}`),
	},
	// Longer than a name may be (64), or than a message quotes (40).
	{
		weight: 1,
		arbitrary: fc.tuple(atom, fc.integer({ min: 6, max: 16 })).map(([a, n]) => a.repeat(n)),
	},
);
const value = fc
	.array(
		fc.oneof(
			{ weight: 16, arbitrary: atom },
			{ weight: 8, arbitrary: fc.constantFrom(...PLAIN_VALUE_BITS) },
			{ weight: 1, arbitrary: fc.constantFrom(...BAD_VALUE_BITS) },
		),
		{ minLength: 1, maxLength: 4 },
	)
	.map((parts) => parts.join(''));
const QUOTABLE = [...new Set([...POSTBACK_PARAMS, ...SIGNED_REQUEST_PARAMS])];
const ID_NAMES = ['shopID', 'saleID', 'transactionID', 'parentID', 'precededBySaleID'];

const segment: fc.Arbitrary<Seg> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ k: fc.constantFrom(...QUOTABLE), v: value }) },
	{ weight: 3, arbitrary: fc.record({ k: unknownName, v: fc.oneof(value, fc.constant(null)) }) },
	{ weight: 1, arbitrary: fc.record({ k: fc.constantFrom(...ID_NAMES), v: value }) },
);

const request = fc.record({
	/** A real signed postback the sender tampers with, or a request made up from scratch. */
	fromSale: fc.boolean(),
	segs: fc.array(segment, { minLength: 1, maxLength: 6 }),
	duplicate: fc.nat({ max: 5 }).map((n) => n === 0),
	shopID: fc.constantFrom('none', 'ours', 'atom'),
	signature: fc.constantFrom('none', 'hex', 'atom'),
	encoders: fc.array(fc.nat({ max: ENCODERS.length - 1 }), { minLength: 1, maxLength: 3 }),
	raw: fc.oneof(
		{ weight: 3, arbitrary: fc.constant([]) },
		{
			weight: 1,
			arbitrary: fc.array(
				fc.record({
					op: fc.integer({ min: DECODED_OPS, max: DECODED_OPS + RAW_OPS - 1 }),
					a: fc.nat({ max: 4095 }),
					b: fc.nat({ max: 4095 }),
					t: atom,
				}),
				{ minLength: 1, maxLength: 2 },
			),
		},
	),
	transport: fc.constantFrom('GET', 'POST'),
	contentType: fc.constantFrom(FORM, FORM, FORM, FORM, 'text/plain', 'application/json', ''),
	mode: fc.constantFrom('webhook', 'manual'),
});

type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

function queryOf(r: Request): string {
	let segs: Seg[] = r.fromSale ? Object.entries(sign(PURCHASE)).map(([k, v]) => ({ k, v })) : [];
	if (!r.fromSale) {
		if (r.shopID === 'ours') segs.push({ k: 'shopID', v: PURCHASE.shopID });
		if (r.shopID === 'atom') segs.push({ k: 'shopID', v: `${CANARY}shop1` });
		if (r.signature === 'hex') segs.push({ k: 'signature', v: 'ab'.repeat(32) });
		if (r.signature === 'atom') segs.push({ k: 'signature', v: `${CANARY}sig01` });
	}
	// The sender's own names and values replace or join the sale's, first in the query: a truncation
	// keeps them, so no cut can give back the untouched sale.
	const own = new Set(r.segs.map((s) => s.k));
	segs = [...r.segs, ...segs.filter((x) => !own.has(x.k))];
	if (r.duplicate) segs.push(r.segs[0]);
	let raw = encode(segs, r.encoders);
	for (const m of r.raw) raw = mutateRaw(raw, m);
	return raw;
}

describe('refusal logs quote nothing the sender wrote', () => {
	test('1,000 fuzzed unsigned or malformed requests: no run, one log line, no request text in it', async () => {
		const seen: Record<string, number> = {};
		/** The distinct refusal messages reached, quoted names blanked. */
		const templates = new Set<string>();
		await fc.assert(
			fc.asyncProperty(request, async (r) => {
				const query = queryOf(r);
				const h =
					r.transport === 'GET'
						? harness({ query, mode: r.mode as 'webhook' | 'manual' })
						: harness({
								method: 'POST',
								body: query,
								contentType: r.contentType || undefined,
								mode: r.mode as 'webhook' | 'manual',
							});
				const result = await h.run();
				expect(result).toEqual({ noWebhookResponse: true });
				expect(h.res.sendCount).toBe(1);
				expect(h.logs).toHaveLength(1);
				const text = logText(h.logs);
				if (text.includes(CANARY)) throw new Error(`a log line quotes request text: ${text}`);
				const code = String((h.logs[0].meta as { code?: string }).code);
				seen[`${h.res.statusCode} ${code}`] = (seen[`${h.res.statusCode} ${code}`] ?? 0) + 1;
				templates.add(h.logs[0].message.replace(/"[^"]*"/g, 'Q'));
			}),
			{ seed: 20261208, numRuns: 1000 },
		);
		console.log(
			`refusal-log fuzz, answers of 1,000 requests: ${JSON.stringify(seen)}, ${templates.size} distinct log messages`,
		);
		// Every kind of refusal a sender can cause was reached.
		expect(seen['400 MALFORMED_QUERY']).toBeGreaterThan(100);
		expect(seen['401 SIGNATURE_INVALID']).toBeGreaterThan(50);
		expect(seen['401 SIGNATURE_MISSING']).toBeGreaterThan(10);
		expect(templates.size).toBeGreaterThanOrEqual(12);
		for (const kind of [
			/not a valid FlexPay parameter name/,
			/uses array syntax/,
			/appears more than once/,
			/is not a Verotel ID/,
			/contains `:name=`/,
			/incomplete percent-escape/,
		]) {
			expect([...templates].some((t) => kind.test(t))).toBe(true);
		}
	});

	test('the quotable names are quoted, the sender’s own names are not', async () => {
		const h1 = harness({ query: `${CANARY}name1[]=1` });
		await h1.run();
		expect(h1.logs[0].message).toContain('"(a parameter)" uses array syntax');
		const h2 = harness({ query: 'saleID=1&saleID=2&shopID=1&signature=ab' });
		await h2.run();
		expect(h2.logs[0].message).toContain('"saleID" appears more than once');
	});

	/** A `"` in a name must not shift the quotes the redaction relies on (safeKey replaces it). */
	test('a double quote in a parameter name does not smuggle text into the log', async () => {
		const h = harness({ query: `a%22${CANARY}injected%5B=1&signature=ab` });
		await h.run();
		expect(h.res.statusCode).toBe(400);
		expect(logText(h.logs)).not.toContain(CANARY);
	});

	/** The boundary refusal quotes only the parameter's name, so the redaction leaves its wording intact. */
	test('the boundary refusal still says which characters it refused', async () => {
		const h = harness({ query: `custom1=a%3Aevent%3D${CANARY}&shopID=1&signature=ab` });
		await h.run();
		expect(h.res.statusCode).toBe(400);
		expect(h.logs[0].message).toContain(
			'"custom1" contains `:name=` (a colon, a name and an equals sign)',
		);
	});
});
