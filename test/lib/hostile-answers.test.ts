/**
 * Hostile answers: 1 MB texts shaped to make a backtracking or otherwise
 * super-linear reader slow, given to the two readers of outside answers: the
 * sale status parser (parseStatusResponse) and the reader of Verotel Control
 * Center's answer to a cancel (readCancelAnswer, and verotelTitle, which makes
 * its error title safe to show). A reader that blocks blocks n8n: the 16 KB
 * and 60 KB answers must be read in under 50 ms, the 1 MB answer in at most 10
 * times the time of a benign 1 MB answer read in the same test (a ratio, so a
 * busy machine cannot fail it; a quadratic reader is hundreds of times over).
 *
 * Timing on a shared machine: each run counts the smaller of its wall time and
 * the CPU time this process spent in it. Both are upper bounds of the reader's
 * own work: wall time also counts the time other processes held the CPU, CPU
 * time also counts this process's other threads (the garbage collector). The
 * figure is the fastest of 5 runs after a warm-up; a figure just over the
 * budget is measured again, twice at most (a quadratic reader is far over it).
 *
 * Each shape is read at 16 KB, 60 KB (just under the 64 KB that the Control
 * Center reader parses at most) and 1 MB. A quadratic reader already misses
 * the budget at 16 KB and fails there, instead of hanging the suite for many
 * minutes on the 1 MB answer.
 */
import { FlexPayStatusError, parseStatusResponse } from '../../lib';
import {
	CONTROL_CENTER_MAX_ANSWER_LENGTH,
	readCancelAnswer,
	verotelTitle,
} from '../../nodes/VerotelFlexPay/transport/controlCenter';
import { credentialMask } from '../../nodes/VerotelFlexPay/transport/credentialMask';

const MB = 1024 * 1024;
const SIZES = [16 * 1024, 60 * 1024, MB];
const BUDGET_MS = 50;
const MAX_RATIO = 10;
/** Below 1 ms a ratio measures the timer, not the reader: a benign figure counts as at least this. */
const RATIO_FLOOR_MS = 1;
const RUNS = 5;
/** A figure this far over the budget is no burst of load: it fails without being measured again. */
const RETRY_BELOW_MS = 4 * BUDGET_MS;

const MASK = credentialMask('api-user-4711', 'Cc9PASSWORDCANARYq2Wz7');

/** `unit` repeated to `size` characters (cut at the end). */
function fill(unit: string, size: number): string {
	return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** The fastest of RUNS runs after a warm-up, in ms; a run counts the smaller of its wall time and its CPU time. */
function fastestMs(read: () => void): number {
	read();
	let best = Infinity;
	for (let run = 0; run < RUNS; run++) {
		const cpu = process.cpuUsage();
		const start = process.hrtime.bigint();
		read();
		const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
		const used = process.cpuUsage(cpu);
		best = Math.min(best, wallMs, (used.user + used.system) / 1000);
	}
	return best;
}

/** Hostile answers are mostly refused: a FlexPayStatusError is a fine outcome, anything else is not. */
function readStatus(text: string): void {
	try {
		parseStatusResponse(text);
	} catch (error) {
		if (!(error instanceof FlexPayStatusError)) throw error;
	}
}

/** Verotel's answer to a refused cancel, with `title` as its error title. */
const titleBody = (title: string): string => JSON.stringify({ error: { title } });

/** Shapes of a hostile text, each made to `size` characters (give or take a few). */
const SHAPES: Array<[string, (size: number) => string]> = [
	['spaces before U+2028', (size) => `a:${' '.repeat(size - 5)}x\u2028y`],
	['spaces before U+2029', (size) => `a:${' '.repeat(size - 5)}x\u2029y`],
	['spaces before a lone \\r', (size) => `a:${' '.repeat(size - 5)}x\ry`],
	['spaces before the colon', (size) => `a${' '.repeat(size - 3)}b:`],
	['"a: a: a: …"', (size) => fill('a: ', size)],
	['"a: a: …" with separators', (size) => fill('a: \u2028a:\r', size)],
	['many short broken lines', (size) => fill('a:b\nc\r\n:\n\u2029', size)],
	['one huge line without a colon', (size) => fill('x', size)],
	['huge double-quoted value', (size) => `saleID: "${fill('x', size - 10)}"`],
	['huge single-quoted value of doubled quotes', (size) => `saleID: '${fill("''", size - 10)}'`],
	['nested quotes', (size) => `saleID: "${fill('\\"\'', size - 10)}"`],
	[
		'the password split by line breaks',
		(size) => `Rejected Cc9PASS${fill('\n', size - 30)}WORDCANARYq2Wz7`,
	],
];

/** A benign status answer of about 1 MB: a found sale with many (unknown) fields. */
function benignStatus(size: number): string {
	const lines = [
		'response: FOUND',
		'saleID: 987654',
		'shopID: 123456',
		'saleResult: APPROVED',
		'priceAmount: 9.90',
		'priceCurrency: EUR',
	];
	let length = 0;
	for (let i = 0; length < size; i++) {
		const line = `custom_${String(i).padStart(6, '0')}: An ordinary value, number ${i}`;
		lines.push(line);
		length += line.length + 1;
	}
	return lines.join('\n');
}

/** A benign Control Center answer of about 1 MB: a refusal with a title and a long list of details (too long to be parsed). */
function benignControlCenter(size: number): string {
	const details: Array<Record<string, string>> = [];
	let length = 0;
	for (let i = 0; length < size; i++) {
		details.push({
			saleID: String(400000 + i),
			status: 'ACTIVE',
			note: `Next rebill on 2026-01-01, "monthly"\nplan ${i}`,
		});
		length += 80;
	}
	return JSON.stringify({ error: { title: 'This sale cannot be cancelled now.' }, details });
}

const figures: string[] = [];
let benignStatusMs = 0;
let benignControlCenterMs = 0;

beforeAll(() => {
	const status = benignStatus(MB);
	const controlCenter = benignControlCenter(MB);
	benignStatusMs = fastestMs(() => readStatus(status));
	benignControlCenterMs = fastestMs(() => readCancelAnswer(401, controlCenter, MASK));
	figures.push(
		`benign 1 MB status answer: ${benignStatusMs.toFixed(2)} ms`,
		`benign 1 MB Control Center answer: ${benignControlCenterMs.toFixed(2)} ms`,
	);
});

afterAll(() => {
	console.log(
		`Hostile answers (fastest of ${RUNS} runs; budget ${BUDGET_MS} ms, and ${MAX_RATIO}x the benign 1 MB answer):\n${figures.join('\n')}`,
	);
});

/** Reads each size in turn; every size must meet the budget, the 1 MB answer also the ratio to the benign one. */
function expectLinear(
	label: string,
	benignMs: number,
	make: (size: number) => string,
	read: (text: string) => void,
): void {
	const yardstick = Math.max(benignMs, RATIO_FLOOR_MS);
	const measured: string[] = [];
	try {
		for (const size of SIZES) {
			const text = make(size);
			let ms = fastestMs(() => read(text));
			// A burst of load can spoil all 5 runs; a figure just over the budget is measured again (twice at most).
			for (let again = 0; again < 2 && ms >= BUDGET_MS && ms < RETRY_BELOW_MS; again++)
				ms = Math.min(
					ms,
					fastestMs(() => read(text)),
				);
			measured.push(`${size / 1024} KB ${ms.toFixed(2)} ms`);
			const figure = `${label}: ${ms.toFixed(2)} ms for ${size / 1024} KB`;
			// The small answers against the budget (a quadratic reader misses it many times over);
			// the 1 MB answer only against the benign one read in the same run, since a busy
			// machine slows both alike.
			if (size !== MB)
				expect(ms < BUDGET_MS ? 'within budget' : `over ${BUDGET_MS} ms: ${figure}`).toBe(
					'within budget',
				);
			else {
				measured.push(`${(ms / yardstick).toFixed(2)}x benign`);
				expect(
					ms <= MAX_RATIO * yardstick
						? 'within ratio'
						: `over ${MAX_RATIO}x the benign ${benignMs.toFixed(2)} ms: ${figure}`,
				).toBe('within ratio');
			}
		}
	} finally {
		figures.push(`${label}: ${measured.join(', ')}`);
	}
}

describe('parseStatusResponse reads a hostile 1 MB answer in linear time', () => {
	it.each(SHAPES)('%s', (name, make) => {
		expectLinear(`parseStatusResponse, ${name}`, benignStatusMs, make, readStatus);
	});
});

/** Hostile JSON for the Control Center reader, each made to `size` characters (give or take a few). */
const JSON_SHAPES: Array<[string, (size: number) => string]> = [
	['deeply nested arrays', (size) => `${'['.repeat(size / 2)}${']'.repeat(size / 2)}`],
	[
		'deeply nested error objects',
		(size) => `${'{"error":'.repeat(size / 12)}{"title":"x"}${'}'.repeat(size / 12)}`,
	],
	[
		'an object of many keys',
		(size) =>
			`{${Array.from({ length: size / 13 }, (_, i) => `"k${String(i).padStart(7, '0')}":0`).join(',')}}`,
	],
	['an unterminated title', (size) => `{"error":{"title":"${fill('x', size - 20)}`],
	['a title of escaped line separators', (size) => titleBody(fill('\u2028 ', size / 7 - 4))],
];

describe('the Control Center answer reader reads a hostile 1 MB answer in linear time', () => {
	it.each(SHAPES)('%s, as the error title', (name, make) => {
		expectLinear(
			`readCancelAnswer, ${name} as the title`,
			benignControlCenterMs,
			(size) => titleBody(make(size)),
			(body) => {
				readCancelAnswer(401, body, MASK);
			},
		);
	});

	// The reader leaves a body of more than 64 KB unparsed, so the title cleaner meets the 1 MB title itself here.
	it.each(SHAPES)('%s, given to the title cleaner', (name, make) => {
		expectLinear(`verotelTitle, ${name}`, benignControlCenterMs, make, (title) => {
			verotelTitle({ error: { title } }, MASK);
		});
	});

	it.each(JSON_SHAPES)('%s', (name, make) => {
		expectLinear(`readCancelAnswer, ${name}`, benignControlCenterMs, make, (body) => {
			readCancelAnswer(412, body, MASK);
		});
	});

	it('a title of a million line breaks after the start of the password is masked, whole', () => {
		const title = verotelTitle(
			{ error: { title: `Rejected Cc9PASS${'\n'.repeat(MB)}WORDCANARYq2Wz7 (end)` } },
			MASK,
		);
		expect(title).toBe('Rejected ***…');
		expect(
			verotelTitle(
				{ error: { title: `${'x'.repeat(990)}Cc9PASS${'\n'.repeat(MB)}WORDCANARYq2Wz7` } },
				MASK,
			),
		).toBe(`${'x'.repeat(199)}…`);
	});

	it('a body longer than 64 KB is not parsed: not a confirmation, no title', () => {
		const padding = ' '.repeat(CONTROL_CENTER_MAX_ANSWER_LENGTH);
		expect(readCancelAnswer(200, `{"is_success": true}${padding}`, MASK)).toEqual({
			outcome: 'refused',
			title: undefined,
		});
		expect(readCancelAnswer(200, `{"is_success": true}${padding.slice(30)}`, MASK)).toEqual({
			outcome: 'cancelled',
		});
	});
});
