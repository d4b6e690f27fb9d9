/**
 * The masking of the Control Center password in Verotel's error title, function
 * by function (subscription-cancel-masking.test.ts runs it through n8n's engine):
 * the forms of the password, how occurrences are masked, and how the title is
 * cleaned.
 */
import { verotelTitle } from '../../nodes/VerotelFlexPay/transport/controlCenter';
import {
	credentialForms,
	credentialMask,
	maskCredentials,
} from '../../nodes/VerotelFlexPay/transport/credentialMask';

const USER = 'api-user-4711';
/** A space, `/`, `+`, `~`, `!` and a non-ASCII letter: every encoder writes this password differently. */
const PASSWORD = 'Pa ss/wörd+Ca~NARY!q2';
const TOKEN = Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64');
const PASSWORD_BASE64 = Buffer.from(PASSWORD, 'utf8').toString('base64');
const URI = encodeURIComponent(PASSWORD);
const FORM = new URLSearchParams({ p: PASSWORD }).toString().slice('p='.length);

describe('the masking functions', () => {
	const mask = credentialMask(USER, PASSWORD);

	it('know every form of the password, and none without a password', () => {
		expect(credentialForms(USER, PASSWORD)).toEqual(
			expect.arrayContaining([
				PASSWORD,
				URI,
				URI.replace(/%20/g, '+'),
				FORM,
				TOKEN.replace(/=+$/, ''),
				PASSWORD_BASE64.replace(/=+$/, ''),
			]),
		);
		expect(credentialForms(USER, '')).toEqual([]);
		expect(maskCredentials(`x ${TOKEN} y`, credentialMask(USER, ''))).toBe(`x ${TOKEN} y`);
	});

	it('mask overlapping and adjacent occurrences as one run, and keep the rest', () => {
		const aa = credentialMask('u', 'aa');
		expect(maskCredentials('baaab', aa)).toBe('b***b');
		expect(maskCredentials('aa aa', aa)).toBe('***');
		expect(maskCredentials('a-a', aa)).toBe('a-a');
	});

	it('mask a password holding `?` that a hidden character, shown as `?`, would complete', () => {
		const questionMask = credentialMask(USER, 'pass?word');
		expect(verotelTitle({ error: { title: 'Rejected pass\u0000word' } }, questionMask)).toBe(
			'Rejected ***',
		);
	});

	it('show hidden characters as `?` and trim', () => {
		expect(
			verotelTitle({ error: { title: ' \n Line one\nline two\u2028\u202eevil\t ' } }, mask),
		).toBe('Line one?line two??evil');
		expect(verotelTitle({ error: { title: ' \n ' } }, mask)).toBeUndefined();
		expect(verotelTitle({ error: 'Forbidden' }, mask)).toBeUndefined();
	});
});
