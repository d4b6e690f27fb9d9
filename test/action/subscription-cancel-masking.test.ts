/**
 * Subscription -> Cancel: Verotel's error title reaches the error only with the
 * Control Center password masked, in every form an answer may carry it —
 * as typed, split by a line break (which the clean-up would otherwise turn
 * into `?`, leaving the password readable), URL-encoded (JavaScript, forms,
 * PHP; upper- or lower-case hex), in Base64 alone or as the Basic token — and
 * never its beginning at the 200-character cut. Over real HTTP (nock) through
 * n8n's engine; control-center-masking.test.ts tests the masking functions on
 * their own.
 */
import {
	ACTION_NODE_NAME as FLEXPAY,
	nodeApiErrorOf,
	runActionWorkflow,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import { cancelEndpoint, cancelWorkflow, credentials } from '../helpers/subscription-cancel';
import { findSecret } from '../helpers/secret-scan';

/** 12 bytes with the colon, so the Basic token holds the Base64 of the password as it stands alone (with its `+`). */
const USER = 'api-user-47';
/** A space, `/`, `+`, `~`, `!` and a non-ASCII letter: every encoder writes this password differently. */
const PASSWORD = 'Pa ss/wörd+Ca~NARY!q2';
const TOKEN = Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64');
const PASSWORD_BASE64 = Buffer.from(PASSWORD, 'utf8').toString('base64');
const URI = encodeURIComponent(PASSWORD);
const FORM = new URLSearchParams({ p: PASSWORD }).toString().slice('p='.length);
const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

/** Each form an answer may carry the password in; none may be found anywhere in the run. */
const FORMS: Array<[string, string]> = [
	['as typed', PASSWORD],
	['encodeURIComponent', URI],
	['encodeURIComponent, lower-case hex', lowerHex(URI)],
	['encodeURIComponent with + for a space', URI.replace(/%20/g, '+')],
	['form encoding (URLSearchParams)', FORM],
	['form encoding, lower-case hex', lowerHex(FORM)],
	['PHP urlencode', FORM.replace(/\*/g, '%2A')],
	['RFC 3986 (rawurlencode)', FORM.replace(/\+/g, '%20').replace(/%7E/g, '~')],
	['the Basic token (Base64 of user:password)', TOKEN],
	['Base64 of the password alone', PASSWORD_BASE64],
	['the Basic token, URL-safe Base64', TOKEN.replace(/\+/g, '-').replace(/\//g, '_')],
	[
		'Base64 of the password alone, URL-safe, unpadded',
		PASSWORD_BASE64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
	],
];

/** Where a title carries a form of the password, and what the error shows of the title. */
const TITLES: Array<[string, string, string]> = [
	...FORMS.map(([name, form]): [string, string, string] => [
		name,
		`Rejected ${form} (end)`,
		'Rejected *** (end)',
	]),
	[
		'as typed, split by a line break',
		`Rejected ${PASSWORD.slice(0, 7)}\n${PASSWORD.slice(7)} (end)`,
		'Rejected *** (end)',
	],
	[
		'as typed, split by CR LF and a tab',
		`Rejected Pa ss/\r\nwö\trd+Ca~NARY!q2 (end)`,
		'Rejected *** (end)',
	],
	[
		'as typed, split by U+2028 and a zero-width space',
		`Rejected Pa ss\u2028/wörd+Ca\u200b~NARY!q2 (end)`,
		'Rejected *** (end)',
	],
	['as typed, in capitals', `Rejected ${PASSWORD.toUpperCase()} (end)`, 'Rejected *** (end)'],
	[
		'the Basic token wrapped over lines',
		`Rejected Basic ${TOKEN.slice(0, 20)}\r\n${TOKEN.slice(20)} (end)`,
		'Rejected Basic *** (end)',
	],
	[
		'encodeURIComponent, split by a line break',
		`Rejected ${URI.slice(0, 9)}\n${URI.slice(9)} (end)`,
		'Rejected *** (end)',
	],
	['twice, next to each other', `Rejected ${PASSWORD}${PASSWORD_BASE64}`, 'Rejected ***'],
	[
		'starting just before the 200-character cut',
		`${'x'.repeat(190)}${PASSWORD} (end)`,
		`${'x'.repeat(190)}*** (end)`,
	],
	[
		'split, its start just before the cut',
		`${'x'.repeat(185)}Pa ss${'\n'.repeat(20)}/wörd+Ca~NARY!q2 (end)`,
		`${'x'.repeat(185)}*** (end)`,
	],
	[
		'split, its start just before the cut of a long title',
		`${'x'.repeat(185)}Pa ss${'\n'.repeat(20)}/wörd+Ca~NARY!q2 ${'y'.repeat(50)}`,
		`${'x'.repeat(185)}*** ${'y'.repeat(10)}…`,
	],
];

setUpEngineWithNock();

describe("Subscription -> Cancel: the password is masked in Verotel's title (over real HTTP)", () => {
	it.each(TITLES)('%s', async (_name, title, shown) => {
		cancelEndpoint('1', 401, { error: { title } });
		const result = await runActionWorkflow(
			cancelWorkflow(['1']),
			credentials({ username: USER, password: PASSWORD }),
		);
		const error = nodeApiErrorOf(result);
		expect(error.message).toBe(
			`Verotel Control Center could not cancel sale 1 (HTTP 401): ${shown}`,
		);
		for (const [, form] of FORMS) {
			expect(findSecret(result.run, form)).toEqual([]);
			expect(findSecret(result.task(FLEXPAY), form)).toEqual([]);
		}
		// Not even a recognisable piece of the password (what a `?` in place of a line break would leave).
		expect(JSON.stringify(result.run)).not.toMatch(/w(ö|%C3%B6|%c3%b6)rd/);
	});

	it('a title that only resembles the password is shown as it is', async () => {
		cancelEndpoint('1', 401, { error: { title: 'Rejected Pa ss/word (end)' } });
		const error = nodeApiErrorOf(
			await runActionWorkflow(
				cancelWorkflow(['1']),
				credentials({ username: USER, password: PASSWORD }),
			),
		);
		expect(error.message).toBe(
			'Verotel Control Center could not cancel sale 1 (HTTP 401): Rejected Pa ss/word (end)',
		);
	});

	it('leaves the title out when masking cannot clear it (a password that masking itself recreates)', async () => {
		cancelEndpoint('1', 401, { error: { title: 'Rejected aaaa***bbbb' } });
		const error = nodeApiErrorOf(
			await runActionWorkflow(cancelWorkflow(['1']), credentials({ password: 'a***b' })),
		);
		expect(error.message).toBe('Verotel Control Center could not cancel sale 1 (HTTP 401)');
	});

	it('"This sale is already cancelled." is recognised whatever the password', async () => {
		cancelEndpoint('2', 412, { error: { title: 'This sale is already cancelled.' } });
		const result = await runActionWorkflow(
			cancelWorkflow(['2']),
			credentials({ password: 'already' }),
		);
		expect(result.outputJson(FLEXPAY)).toEqual([
			{ saleID: '2', cancelled: true, alreadyCancelled: true },
		]);
	});
});
