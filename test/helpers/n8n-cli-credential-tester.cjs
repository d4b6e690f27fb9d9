'use strict';
/**
 * Shared test helper (run as a separate process, under the Node version the
 * given n8n needs): runs n8n's REAL credential tester (n8n-cli-tester.cjs)
 * against this package's built Verotel FlexPay credential and a local FlexPay
 * status service that checks signatures like Verotel (right key:
 * `response: NOTFOUND`, wrong key: `response: ERROR`).
 *
 *   node n8n-cli-credential-tester.cjs <n8n package dir> <installed copy of this package>
 *
 * The package copy must sit in a `node_modules` folder and NODE_PATH must point
 * at n8n's node_modules, so that `require('n8n-workflow')` inside the package
 * resolves to n8n's own copy, as for a community package installed in n8n.
 * Prints one line `@@RESULT@@` + JSON (scenario -> { status, message }).
 */
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');

const { loadCredentialTester, printScenarios } = require('./n8n-cli-tester.cjs');

const [n8nDir, packageDir] = process.argv.slice(2);
const testCredential = loadCredentialTester(n8nDir);
const { VerotelFlexPayApi } = require(
	path.join(packageDir, 'dist/credentials/VerotelFlexPayApi.credentials.js'),
);

const SHOP = '60678';
const RIGHT_KEY = 'RightKey0123456789abcdefghijkl';
const WRONG_KEY = 'WrongKey0123456789abcdefghijkl';

function sign(key, params) {
	const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return crypto
		.createHash('sha256')
		.update([key, ...keys.map((k) => `${k}=${params[k]}`)].join(':'), 'utf8')
		.digest('hex');
}

const server = http.createServer((request, response) => {
	const query = Object.fromEntries(new URL(request.url, 'http://local').searchParams);
	const { signature, ...signed } = query;
	response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
	if (request.url.startsWith('/html/')) return response.end('<!doctype html><title>Shop</title>');
	const valid =
		signed.shopID === SHOP && signed.version === '4' && signature === sign(RIGHT_KEY, signed);
	response.end(valid ? 'response: NOTFOUND\n' : 'response: ERROR\nerror: Invalid signature\n');
});

printScenarios(server, async (base) => {
	const credential = new VerotelFlexPayApi();
	const naive = Object.assign(Object.create(Object.getPrototypeOf(credential)), credential, {
		test: {
			...credential.test,
			rules: [
				{
					type: 'responseSuccessBody',
					properties: { key: 'response', value: 'ERROR', message: 'naive rule fired' },
				},
			],
		},
	});
	return {
		rightKey: await testCredential(credential, {
			shopId: SHOP,
			signatureKey: RIGHT_KEY,
			baseUrl: base,
		}),
		wrongKey: await testCredential(credential, {
			shopId: SHOP,
			signatureKey: WRONG_KEY,
			baseUrl: base,
		}),
		otherShop: await testCredential(credential, {
			shopId: '11111',
			signatureKey: RIGHT_KEY,
			baseUrl: base,
		}),
		notFlexPay: await testCredential(credential, {
			shopId: SHOP,
			signatureKey: RIGHT_KEY,
			baseUrl: `${base}/html`,
		}),
		badShopID: await testCredential(credential, {
			shopId: 'my-shop',
			signatureKey: RIGHT_KEY,
			baseUrl: base,
		}),
		naiveRuleWrongKey: await testCredential(naive, {
			shopId: SHOP,
			signatureKey: WRONG_KEY,
			baseUrl: base,
		}),
	};
});
