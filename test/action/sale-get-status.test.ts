/** Sale -> Get Status with a mocked execution context: request shape, mapping, validation. */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import {
	FOUND_BODY,
	TEST_CREDENTIALS,
	TEST_SHOP_ID,
	TEST_SIGNATURE_KEY,
} from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { findSecret } from '../helpers/secret-scan';

const node = new VerotelFlexPay();

function statusContext(
	parameters: Record<string, unknown>,
	body: unknown,
	extra: { continueOnFail?: boolean } = {},
) {
	return createExecuteContext({
		...extra,
		parameters: {
			resource: 'sale',
			operation: 'getStatus',
			lookUpBy: 'saleID',
			options: {},
			...parameters,
		},
		httpRequestWithAuthentication: jest
			.fn()
			.mockResolvedValue({ statusCode: 200, headers: {}, body }),
	});
}

describe('Sale -> Get Status (mocked HTTP helper)', () => {
	it('asks the status service through the credential (which signs), with a timeout and a text body', async () => {
		const { context, httpRequestWithAuthentication } = statusContext(
			{ saleID: ' 433456 ' },
			'response: NOTFOUND\n',
		);
		await node.execute.call(context);
		expect(httpRequestWithAuthentication).toHaveBeenCalledTimes(1);
		const [credentialType, options] = httpRequestWithAuthentication.mock.calls[0];
		expect(credentialType).toBe('verotelFlexPayApi');
		expect(options).toMatchObject({
			method: 'GET',
			url: '/salestatus',
			qs: { saleID: '433456' },
			json: false,
			timeout: 30000,
			returnFullResponse: true,
		});
		expect(httpRequestWithAuthentication.mock.contexts[0]).toBe(context);
		// The node never signs or adds the key itself: that is the credential's job.
		expect(findSecret(options, TEST_SIGNATURE_KEY)).toEqual([]);
		expect(options.qs.signature).toBeUndefined();
	});

	it('looks up by reference ID and honours the Timeout option', async () => {
		const { context, httpRequestWithAuthentication } = statusContext(
			{ lookUpBy: 'referenceID', referenceID: 'order-1001', options: { timeout: 1234 } },
			'response: NOTFOUND\n',
		);
		await node.execute.call(context);
		expect(httpRequestWithAuthentication.mock.calls[0][1]).toMatchObject({
			qs: { referenceID: 'order-1001' },
			timeout: 1234,
		});
	});

	it('returns NOTFOUND as a normal item with found: false and the looked-up ID', async () => {
		const { context } = statusContext({ saleID: '999' }, 'response: NOTFOUND\n');
		expect(await node.execute.call(context)).toEqual([
			[{ json: { found: false, response: 'NOTFOUND', saleID: '999' }, pairedItem: { item: 0 } }],
		]);
	});

	it('maps a FOUND answer: typed found/amount/billingAddress plus every returned field', async () => {
		const { context } = statusContext({ saleID: '433456' }, FOUND_BODY);
		expect(jsonOf(await node.execute.call(context))).toEqual([
			{
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
		]);
	});

	it('reads a Buffer body too', async () => {
		const { context } = statusContext(
			{ saleID: '1' },
			Buffer.from('response: FOUND\nsaleID: 1\npriceAmount: x\n'),
		);
		expect(jsonOf(await node.execute.call(context))).toEqual([
			{ found: true, response: 'FOUND', saleID: '1', priceAmount: 'x', amount: null },
		]);
	});

	it('turns response: ERROR into a NodeApiError pointing at the key and shop ID', async () => {
		const { context } = statusContext(
			{ saleID: '1' },
			'response: ERROR\nerror: Invalid signature\n',
		);
		const error = (await node.execute.call(context).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('The FlexPay status service refused the request: Invalid signature');
		expect(error.description).toMatch(/Check the Signature Key and the Shop ID/);
		expect(error.context.itemIndex).toBe(0);
	});

	it.each([
		[{ saleID: '' }, 'Sale ID is empty', /\{\{ \$json\.saleID \}\}/],
		[{ lookUpBy: 'referenceID', referenceID: '   ' }, 'Reference ID is empty', /referenceID/],
		[{ saleID: 'S-42' }, 'saleID "S-42" is not a numeric Verotel ID', /Parameter: Sale ID/],
	])('refuses %j before any request', async (parameters, message, description) => {
		const { context, httpRequestWithAuthentication } = statusContext(
			parameters,
			'response: NOTFOUND\n',
		);
		const error = (await node.execute.call(context).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(error.description).toMatch(description);
		expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('refuses a credential without a key before any request', async () => {
		const { context, httpRequestWithAuthentication } = createExecuteContext({
			credentials: { ...TEST_CREDENTIALS, signatureKey: '' },
			parameters: {
				resource: 'sale',
				operation: 'getStatus',
				lookUpBy: 'saleID',
				saleID: '1',
				options: {},
			},
		});
		await expect(node.execute.call(context)).rejects.toThrow('Signature key is empty');
		expect(httpRequestWithAuthentication).not.toHaveBeenCalled();
	});

	it('with Continue On Fail, keeps going after an ERROR answer', async () => {
		const bodies = ['response: ERROR\nerror: Bad\n', 'response: NOTFOUND\n'];
		const httpRequestWithAuthentication = jest.fn();
		for (const body of bodies)
			httpRequestWithAuthentication.mockResolvedValueOnce({ statusCode: 200, headers: {}, body });
		const { context } = createExecuteContext({
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }],
			parameters: {
				resource: 'sale',
				operation: 'getStatus',
				lookUpBy: 'saleID',
				saleID: (i: number) => String(i + 1),
				options: {},
			},
			httpRequestWithAuthentication,
		});
		const output = await node.execute.call(context);
		expect(jsonOf(output)).toEqual([
			{ error: 'The FlexPay status service refused the request: Bad' },
			{ found: false, response: 'NOTFOUND', saleID: '2' },
		]);
		expect(output[0][0].error).toBeInstanceOf(NodeApiError);
		expect(output[0][0].error?.description).toMatch(/Check the Signature Key/);
		expect(output[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
