/**
 * Workflow JSON (Manual Trigger -> Verotel FlexPay) through n8n's own execution
 * engine (n8n-core 2.8.1 WorkflowExecute): expressions resolved by n8n, the
 * credential fetched and `authenticate` applied by the credentials helper, real
 * HTTP to a nock status service. Runs against the TypeScript classes and, when
 * built, against dist loaded by n8n's PackageDirectoryLoader.
 */
import nock from 'nock';

import {
	runActionWorkflow,
	setUpEngineWithNock,
	type PackageTypes,
} from '../helpers/action-engine';
import { FOUND_BODY, TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import {
	credentials,
	packages,
	readActionWorkflow,
	STATUS_HOST,
} from '../helpers/action-workflows';
import { NOTFOUND_BODY, referenceSignature, statusServer } from '../helpers/flexpay-status-server';
import { findSecret } from '../helpers/secret-scan';
import { OFFICIAL_KEY, V2_PURCHASE_ITEM } from '../fixtures/vectors';

const FLEXPAY = 'Verotel FlexPay';

/** PHP urlencode, written independently of the lib for expected URLs. */
const formEncode = (value: string) =>
	encodeURIComponent(value)
		.replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
		.replace(/%20/g, '+');

setUpEngineWithNock();

describe.each(packages)('workflow JSON through n8n WorkflowExecute (%s)', (_label, load) => {
	let types: PackageTypes | undefined;
	beforeAll(async () => {
		types = await load();
	});
	const run = async (file: string) => {
		if (!types) throw new Error('package types not available');
		return await runActionWorkflow(readActionWorkflow(file), credentials, types);
	};
	const itIfLoaded = (name: string, fn: () => Promise<void>) =>
		it(name, async () => {
			if (!types) {
				console.warn(`skipped "${name}": dist is not built (npm run build)`);
				return;
			}
			await fn();
		});

	itIfLoaded(
		'Create Purchase URL: item 1 is the official V2 vector, item 2 is signed as computed independently',
		async () => {
			const result = await run('purchase-url.workflow.json');
			expect(result.failure()).toBeUndefined();
			expect(result.run.status).toBe('success');
			const second = {
				custom1: 'custom1',
				custom2: 'custom2',
				custom3: 'custom3',
				declineURL: 'http://example.com/decline',
				description: 'Second order',
				paymentMethod: 'CC',
				priceAmount: '12.00',
				priceCurrency: 'USD',
				referenceID: 'ref2',
				shopID: '60678',
				successURL: 'http://example.com/approve',
				type: 'purchase',
				version: '4',
			};
			const secondSignature = referenceSignature(OFFICIAL_KEY, second);
			const secondUrl = `https://secure.verotel.com/startorder?${Object.entries(second)
				.map(([k, v]) => `${k}=${formEncode(v)}`)
				.join('&')}&signature=${secondSignature}`;
			expect(result.outputItems(FLEXPAY)).toEqual([
				{
					json: V2_PURCHASE_ITEM,
					pairedItem: { item: 0 },
				},
				{
					json: { url: secondUrl, ...second, signature: secondSignature },
					pairedItem: { item: 1 },
				},
			]);
			expect(findSecret(result.run, OFFICIAL_KEY)).toEqual([]);
		},
	);

	itIfLoaded(
		'Get Status with Retry On Fail: a 503 is retried by n8n and the second answer is the result',
		async () => {
			// Registered first, so the first request meets the 503 and the retry meets the status service.
			const unavailable = nock(STATUS_HOST)
				.get('/salestatus')
				.query(true)
				.reply(503, 'Service Unavailable');
			const server = statusServer({
				baseUrl: STATUS_HOST,
				shopId: TEST_SHOP_ID,
				signatureKey: TEST_SIGNATURE_KEY,
				sales: { 'saleID:433456': FOUND_BODY },
			});
			const result = await run('sale-status-retry.workflow.json');
			expect(unavailable.isDone()).toBe(true);
			expect(server.requests).toHaveLength(1);
			expect(result.run.status).toBe('success');
			const items = result.outputItems(FLEXPAY) ?? [];
			expect(items).toHaveLength(1);
			expect(items[0].json).toMatchObject({
				found: true,
				saleID: '433456',
				email: 'buyer@example.com',
			});
		},
	);

	itIfLoaded(
		'Get Status: signed request on the wire, FOUND and NOTFOUND items exactly',
		async () => {
			const server = statusServer({
				baseUrl: STATUS_HOST,
				shopId: TEST_SHOP_ID,
				signatureKey: TEST_SIGNATURE_KEY,
				sales: { 'saleID:433456': FOUND_BODY },
			});
			const result = await run('sale-status.workflow.json');
			expect(result.run.status).toBe('success');
			expect(result.outputItems(FLEXPAY)).toEqual([
				{
					json: {
						found: true,
						response: 'FOUND',
						saleID: '433456',
						shopID: TEST_SHOP_ID,
						referenceID: 'order-1001',
						saleResult: 'APPROVED',
						priceAmount: '45.20',
						priceCurrency: 'EUR',
						paymentMethod: 'CC',
						email: 'buyer@example.com',
						country: 'NL',
						createdOn: '2026-11-01',
						cancelled: 'no',
						amount: 45.2,
						billingAddress: {
							fullName: 'Jan Jansen',
							addressLine1: 'Damrak 1',
							city: 'Amsterdam',
							zip: '1012 LG',
							country: 'NL',
						},
					},
					pairedItem: { item: 0 },
				},
				{ json: { found: false, response: 'NOTFOUND', saleID: '999' }, pairedItem: { item: 1 } },
			]);
			expect(server.requests).toEqual([
				{
					saleID: '433456',
					shopID: TEST_SHOP_ID,
					version: '4',
					signature: referenceSignature(TEST_SIGNATURE_KEY, {
						saleID: '433456',
						shopID: TEST_SHOP_ID,
						version: '4',
					}),
				},
				{
					saleID: '999',
					shopID: TEST_SHOP_ID,
					version: '4',
					signature: referenceSignature(TEST_SIGNATURE_KEY, {
						saleID: '999',
						shopID: TEST_SHOP_ID,
						version: '4',
					}),
				},
			]);
			expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
			expect(findSecret(server.requests, TEST_SIGNATURE_KEY)).toEqual([]);
		},
	);

	itIfLoaded(
		'Verify Redirect: a success redirect is valid, a changed amount is not, the request-shaped V4 vector is no sale',
		async () => {
			const result = await run('verify-redirect.workflow.json');
			expect(result.run.status).toBe('success');
			const params = {
				saleID: '433456',
				shopID: '68849',
				priceAmount: '0.00',
				priceCurrency: 'USD',
				paymentMethod: 'CC',
				type: 'purchase',
				referenceID: 'reference1234',
				custom1: 'My',
			};
			expect(result.outputItems(FLEXPAY)).toEqual([
				{
					json: {
						valid: true,
						sale: {
							event: 'purchase',
							type: 'purchase',
							shopID: '68849',
							saleID: '433456',
							amount: 0,
							amountString: '0.00',
							currency: 'USD',
							paymentMethod: 'CC',
							referenceID: 'reference1234',
							custom1: 'My',
							idempotencyKey: '68849:433456:purchase',
							signatureAlgorithm: 'sha256',
							params,
						},
					},
					pairedItem: { item: 0 },
				},
				{
					json: {
						valid: false,
						reason: 'The signature does not match the parameters',
						reasonCode: 'SIGNATURE_INVALID',
						hint: expect.stringContaining('signature key'),
					},
					pairedItem: { item: 1 },
				},
				{
					json: {
						valid: false,
						reason: expect.stringContaining('look like a request signed with the key'),
						reasonCode: 'NOT_A_SALE_MESSAGE',
						hint: expect.stringContaining('postbacks and success redirects'),
					},
					pairedItem: { item: 2 },
				},
			]);
		},
	);

	itIfLoaded(
		'On Error "continue (using error output)": the bad item goes to the error output, the rest on',
		async () => {
			const result = await run('error-output.workflow.json');
			expect(result.run.status).toBe('success');
			expect(result.outputJson('Links')?.map((json) => json.description)).toEqual([
				'Good order',
				'Another good order',
			]);
			expect(result.outputJson('Links')?.map((json) => json.priceAmount)).toEqual([
				'10.00',
				'7.50',
			]);
			// n8n's engine replaces the json of an item that carries an error with { error: message };
			// the description (how to fix) stays on the item's error object.
			expect(result.outputJson('Rejected')).toEqual([
				{ error: 'priceAmount "ten euros" is not an amount in nnn.nn format' },
			]);
			const rejected = result.task(FLEXPAY)?.data?.main?.[1]?.[0];
			expect(rejected?.pairedItem).toEqual({ item: 1 });
			expect(rejected?.error?.description).toBe(
				'Parameter: Amount. Use digits with an optional dot and up to two decimals, e.g. 9.99.',
			);
			expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
		},
	);

	itIfLoaded(
		'a failing status call fails the execution with the node error, key-free',
		async () => {
			nock(STATUS_HOST)
				.persist()
				.get('/salestatus')
				.query(true)
				.reply(200, 'response: ERROR\nerror: Invalid signature\n');
			const result = await run('sale-status.workflow.json');
			expect(result.run.status).toBe('error');
			const error = result.run.data.resultData.error;
			expect(error?.message).toBe(
				'The FlexPay status service refused the request: Invalid signature',
			);
			expect(error?.description).toMatch(/Check the Signature Key and the Shop ID/);
			expect(result.task(FLEXPAY)?.error?.message).toBe(error?.message);
			expect(findSecret(result.run, TEST_SIGNATURE_KEY)).toEqual([]);
		},
	);

	itIfLoaded('NOTFOUND for every item is a successful run', async () => {
		nock(STATUS_HOST).persist().get('/salestatus').query(true).reply(200, NOTFOUND_BODY);
		const result = await run('sale-status.workflow.json');
		expect(result.run.status).toBe('success');
		expect(result.outputJson(FLEXPAY)?.map((json) => json.found)).toEqual([false, false]);
	});
});
