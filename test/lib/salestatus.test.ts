import { FlexPayStatusError, parseStatusResponse } from '../../lib';

describe('parseStatusResponse', () => {
	test('FOUND with billing address: values stay strings, unknown keys kept', () => {
		const status = parseStatusResponse(
			[
				'response: FOUND',
				'saleID: 987654',
				'shopID: 123456',
				'referenceID: order-42',
				'saleResult: APPROVED',
				'priceAmount: 9.90',
				'priceCurrency: EUR',
				'email: buyer@example.com',
				'createdOn: 2026-11-26 10:00:00',
				'cancelled: no',
				"billingAddr_fullName: 'Jana Nováková'",
				'billingAddr_city: "Praha"',
				'billingAddr_country: CZ',
				'futureField: a: b',
				'',
			].join('\n'),
		);
		expect(status).toMatchObject({
			response: 'FOUND',
			found: true,
			saleID: '987654',
			saleResult: 'APPROVED',
			priceAmount: '9.90',
			email: 'buyer@example.com',
			billingAddress: { fullName: 'Jana Nováková', city: 'Praha', country: 'CZ' },
		});
		expect(status.fields).toMatchObject({
			createdOn: '2026-11-26 10:00:00',
			cancelled: 'no',
			futureField: 'a: b',
		});
		expect(status.error).toBeUndefined();
	});

	test('NOTFOUND is a normal result', () => {
		expect(parseStatusResponse('response: NOTFOUND\n')).toMatchObject({
			response: 'NOTFOUND',
			found: false,
		});
	});

	test('ERROR carries the error line, or the third line as one community parser reads it', () => {
		expect(parseStatusResponse('response: ERROR\nerror: Invalid signature\n')).toMatchObject({
			response: 'ERROR',
			found: false,
			error: 'Invalid signature',
		});
		expect(parseStatusResponse('response: ERROR\n\nWrong signature given\n').error).toBe(
			'Wrong signature given',
		);
	});

	test('CRLF, BOM, YAML document marker and lower-case response are tolerated', () => {
		expect(parseStatusResponse('\uFEFF---\r\nresponse: found\r\nsaleID: 1\r\n').found).toBe(true);
	});

	test('an unreadable body is a typed status error', () => {
		for (const body of [
			'',
			'<html><body>Bad gateway</body></html>',
			'response: MAYBE',
			'{"a":1}',
		]) {
			expect(() => parseStatusResponse(body)).toThrow(FlexPayStatusError);
		}
	});

	test('two response lines are refused rather than read as the last one', () => {
		for (const body of [
			'response: ERROR\nresponse: FOUND\nsaleID: 1\n',
			'response: FOUND\nsaleID: 1\nresponse: FOUND\n',
		]) {
			let caught: unknown;
			try {
				parseStatusResponse(body);
			} catch (error) {
				caught = error;
			}
			expect(caught).toBeInstanceOf(FlexPayStatusError);
			expect((caught as FlexPayStatusError).code).toBe('STATUS_UNREADABLE');
			expect((caught as Error).message).toMatch(/more than one "response" line/);
			expect((caught as FlexPayStatusError).hint).toBeTruthy();
		}
	});

	test('Verotel text quoted in an error message is cut to 200 characters', () => {
		let caught: unknown;
		try {
			parseStatusResponse(`response: ${'X'.repeat(5000)}\n`);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(FlexPayStatusError);
		const message = (caught as Error).message;
		expect(message).toContain(`"${'X'.repeat(199)}…"`);
		expect(message).not.toContain('X'.repeat(200));
	});
	/** The status error a body is refused with. */
	function refusal(body: string): FlexPayStatusError {
		let caught: unknown;
		try {
			parseStatusResponse(body);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(FlexPayStatusError);
		return caught as FlexPayStatusError;
	}

	test.each([
		['saleResult', 'response: FOUND\nsaleID: 1\nsaleResult: NOK\nsaleResult: OK\n'],
		['saleResult', 'response: FOUND\nsaleResult: APPROVED\nsaleID: 1\nsaleResult: DECLINED\n'],
		['saleID', 'response: FOUND\nsaleID: 1\nsaleID: 2\n'],
		['priceAmount', 'response: FOUND\nsaleID: 1\npriceAmount: 9.90\npriceAmount: "0.00"\n'],
		[
			'billingAddr_country',
			'response: FOUND\nsaleID: 1\nbillingAddr_country: CZ\nbillingAddr_country: DE\n',
		],
		['error', 'response: ERROR\nerror: Invalid signature\nerror: \n'],
	])('two "%s" lines with different values are refused, naming the key', (key, body) => {
		const error = refusal(body);
		expect(error.code).toBe('STATUS_UNREADABLE');
		expect(error.message).toBe(
			`The sale status answer has two "${key}" lines with different values`,
		);
		expect(error.hint).toMatch(/status service.*no proxy alters its answer/);
	});

	test('the same line twice is read once: both readings agree (quoted or not)', () => {
		const status = parseStatusResponse(
			'response: FOUND\nsaleID: 1\nsaleResult: APPROVED\nsaleResult: APPROVED\nsaleID: \'1\'\nemail: "a@example.com"\nemail: a@example.com\n',
		);
		expect(status).toMatchObject({
			found: true,
			saleID: '1',
			saleResult: 'APPROVED',
			email: 'a@example.com',
		});
		expect(status.fields).toEqual({
			response: 'FOUND',
			saleID: '1',
			saleResult: 'APPROVED',
			email: 'a@example.com',
		});
	});

	test('a key named like a property of every object is a field like any other', () => {
		const status = parseStatusResponse(
			'response: FOUND\nsaleID: 1\nconstructor: a\ntoString: b\nconstructor: a\n',
		);
		expect(status.fields).toEqual({
			response: 'FOUND',
			saleID: '1',
			constructor: 'a',
			toString: 'b',
		});
		expect(refusal('response: FOUND\nsaleID: 1\nconstructor: a\nconstructor: b\n').message).toMatch(
			/two "constructor" lines/,
		);
	});

	test('a refused key is quoted cut to 60 characters', () => {
		const key = `k${'x'.repeat(5000)}`;
		const message = refusal(`response: FOUND\nsaleID: 1\n${key}: a\n${key}: b\n`).message;
		expect(message).toBe(
			`The sale status answer has two "k${'x'.repeat(58)}…" lines with different values`,
		);
	});

	test.each([
		['a lone \\r', '\r'],
		['U+2028', '\u2028'],
		['U+2029', '\u2029'],
	])('%s ends a line, as \\n does', (_name, separator) => {
		const status = parseStatusResponse(
			['response: FOUND', 'saleID: 7', 'saleResult: APPROVED', 'email: a@example.com'].join(
				separator,
			),
		);
		expect(status).toMatchObject({
			found: true,
			saleID: '7',
			saleResult: 'APPROVED',
			email: 'a@example.com',
		});
		expect(status.fields).toEqual({
			response: 'FOUND',
			saleID: '7',
			saleResult: 'APPROVED',
			email: 'a@example.com',
		});
		// So a value cannot carry what a reader sees as a second line with another verdict.
		expect(
			refusal(`response: FOUND\nsaleID: 7\nsaleResult: DECLINED${separator}saleResult: APPROVED\n`)
				.message,
		).toMatch(/two "saleResult" lines/);
	});

	test('line syntax: blanks before the colon, a colon without a blank after it, comments and markers', () => {
		const status = parseStatusResponse(
			[
				'---',
				'# a comment: with a colon',
				'response :  FOUND  ',
				'saleID:\t42',
				'note:',
				'url:http://example.com',
				'two words: x',
				'...',
				'',
			].join('\n'),
		);
		expect(status.fields).toEqual({ response: 'FOUND', saleID: '42', note: '' });
	});

	test('ERROR text: the error line, else the first line that is no field, else the third line', () => {
		expect(parseStatusResponse('response: ERROR\nfoo: bar\nWrong signature\n').error).toBe(
			'Wrong signature',
		);
		expect(parseStatusResponse('response: ERROR\nfoo: bar\nbaz: qux\n').error).toBe('baz: qux');
		expect(parseStatusResponse('response: ERROR\nmessage: Try later\n').error).toBe('Try later');
		expect(parseStatusResponse('response: ERROR\n').error).toBe('No error text given');
	});
});
