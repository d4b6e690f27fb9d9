/**
 * The credential test as n8n itself runs it: the CLI's CredentialsTester from
 * each real n8n installed in the end-to-end cache (scripts/n8n/install.mjs;
 * n8n 2.41.1 on Node 24, 1.123.x on Node 20), against the built credential as
 * an installed package and a local status service that checks signatures.
 * Skipped (with a notice) when no n8n is cached or dist is not built.
 */
import * as path from 'node:path';

import { describeWithN8n, REPO } from '../helpers/n8n-installs';

const SCRIPT = path.join(REPO, 'test', 'helpers', 'n8n-cli-credential-tester.cjs');
const BUILT_CREDENTIAL = path.join(REPO, 'dist', 'credentials', 'VerotelFlexPayApi.credentials.js');

type Result = { status: 'OK' | 'Error'; message: string };
type Results = Record<string, Result> & { crashed?: string };

describeWithN8n<Results>(
	"n8n %s's own CredentialsTester",
	SCRIPT,
	BUILT_CREDENTIAL,
	(_install, results) => {
		it('accepts the right key (the service answers NOTFOUND for the sentinel reference)', () => {
			expect(results.rightKey).toEqual({ status: 'OK', message: 'Connection successful!' });
		});

		it('rejects a wrong key, telling the user to re-copy it', () => {
			expect(results.wrongKey.status).toBe('Error');
			expect(results.wrongKey.message).toMatch(
				/Re-copy the Signature Key from Control Center -> Setup Websites/,
			);
		});

		it('rejects a shop ID of another website', () => {
			expect(results.otherShop.status).toBe('Error');
			expect(results.otherShop.message).toMatch(/Shop ID/);
		});

		it('rejects an address that is not the FlexPay status service', () => {
			expect(results.notFlexPay).toEqual({
				status: 'Error',
				message: expect.stringMatching(/not answer like the FlexPay/),
			});
		});

		it('reports an unusable shop ID with what to fix', () => {
			expect(results.badShopID.status).toBe('Error');
			expect(results.badShopID.message).toMatch(/not a numeric website ID/);
		});

		it('would pass a wrong key with a naive rule on the key "response" (the body is text)', () => {
			expect(results.naiveRuleWrongKey).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
		});
	},
);
