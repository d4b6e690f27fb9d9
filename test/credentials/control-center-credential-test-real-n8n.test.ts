/**
 * The Verotel Control Center API credential test as n8n itself runs it: the
 * CLI's CredentialsTester from each real n8n installed in the end-to-end cache,
 * with n8n's own generic-auth code (CredentialsHelper.authenticate), against
 * the built credential as an installed package and a local stand-in of the
 * Control Center API (test/helpers/n8n-cli-control-center-tester.cjs).
 * Skipped (with a notice) when no n8n is cached or dist is not built.
 */
import * as path from 'node:path';

import {
	CONTROL_CENTER_WRONG_LOGIN_MESSAGE,
	controlCenterNotActivatedMessage,
} from '../../credentials/VerotelControlCenterApi.credentials';
import { describeWithN8n, REPO } from '../helpers/n8n-installs';

const SCRIPT = path.join(REPO, 'test', 'helpers', 'n8n-cli-control-center-tester.cjs');
const BUILT_CREDENTIAL = path.join(
	REPO,
	'dist',
	'credentials',
	'VerotelControlCenterApi.credentials.js',
);
const USER = 'api-user-4711';
const PASSWORD = 'Cc9PASSWORDCANARYq2Wz7';

interface Request {
	method: string;
	path: string;
	query: Record<string, string>;
	accept?: string;
	authorization?: string;
}
type Result = { status: 'OK' | 'Error'; message: string; requests: Request[] };
interface Loaded {
	credentialTypes: string[];
	controlCenterSupportedNodes: string[];
	shownFor: Record<string, string[]>;
}
type Results = Record<string, Result> & { crashed?: string; loaded?: Loaded };

describeWithN8n<Results>(
	"n8n %s's own CredentialsTester, Verotel Control Center API",
	SCRIPT,
	BUILT_CREDENTIAL,
	(install, results) => {
		it('loads the credential and the node credentials with their displayOptions (PackageDirectoryLoader)', () => {
			expect(results.loaded).toEqual({
				credentialTypes: ['verotelFlexPayApi', 'verotelControlCenterApi'],
				controlCenterSupportedNodes: ['verotelFlexPay'],
				shownFor: {
					paymentLink: ['verotelFlexPayApi'],
					sale: ['verotelFlexPayApi'],
					signature: ['verotelFlexPayApi'],
					subscription: ['verotelControlCenterApi'],
				},
			});
		});

		it('200: connection successful, with n8n applying the generic auth (Basic + versioned Accept)', () => {
			expect(results.valid).toMatchObject({ status: 'OK', message: 'Connection successful!' });
			expect(results.valid.requests).toEqual([
				{
					method: 'GET',
					path: '/api/dashboard/totals',
					query: { output_currency: 'USD' },
					accept: 'application/json; version=1.5.0',
					authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
				},
			]);
		});

		if (install.version.startsWith('1.')) {
			// n8n 1.x drops the HTTP cause of a failed test request before its tester
			// reads it (ExecutionBaseError's `cause` field), so no responseCode rule can
			// fire there: the test still fails, with n8n's own text for the status.
			it('401, 403, 404: the test fails (with n8n 1.x own messages)', () => {
				for (const scenario of ['wrongPassword', 'notActivated', 'notFound']) {
					expect(results[scenario].status).toBe('Error');
				}
				expect(results.wrongPassword.message).toBe(
					'Authorization failed - please check your credentials',
				);
			});
		} else {
			it('401: the API user or password is wrong, and where they come from', () => {
				expect(results.wrongPassword).toMatchObject({
					status: 'Error',
					message: CONTROL_CENTER_WRONG_LOGIN_MESSAGE,
				});
			});

			it('403: the Control Center API may not be activated for this account: ask Verotel merchant support', () => {
				expect(results.notActivated).toMatchObject({
					status: 'Error',
					message: controlCenterNotActivatedMessage(403),
				});
				expect(results.notActivated.message).toMatch(
					/may not be activated for this account.*ask Verotel merchant support/,
				);
			});

			it('404 (a Base URL that is not the API): the same hint with the status', () => {
				expect(results.notFound).toMatchObject({
					status: 'Error',
					message: controlCenterNotActivatedMessage(404),
				});
				expect(results.notFound.requests[0].path).toBe('/other/dashboard/totals');
			});
		}

		it('never shows the password in a result message', () => {
			for (const scenario of ['valid', 'wrongPassword', 'notActivated', 'notFound']) {
				expect(results[scenario].message).not.toContain(PASSWORD);
			}
		});
	},
);
