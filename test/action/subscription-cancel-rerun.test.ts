/**
 * Subscription -> Cancel run again: against a stateful local stand-in (real
 * server) the second cancel reports alreadyCancelled, and a timeout says the
 * sale may or may not be cancelled and that running again is safe.
 */
import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import {
	ACTION_NODE_NAME as FLEXPAY,
	nodeApiErrorOf,
	setUpEngineWithNock,
} from '../helpers/action-engine';
import { createExecuteContext } from '../helpers/action-context';
import { startControlCenterServer } from '../helpers/control-center-server';
import { BASE, PASSWORD, runCancel, USER } from '../helpers/subscription-cancel';

setUpEngineWithNock();

describe('a stateful local stand-in (real server): cancel twice', () => {
	it('the first run cancels, the second reports alreadyCancelled; an unknown sale is a 404 error', async () => {
		nock.enableNetConnect('127.0.0.1');
		const server = await startControlCenterServer({
			username: USER,
			password: PASSWORD,
			sales: { '433456': 'active' },
		});
		try {
			const first = await runCancel(['433456'], { data: { baseUrl: server.baseUrl } });
			const second = await runCancel(['433456'], { data: { baseUrl: server.baseUrl } });
			expect(first.outputJson(FLEXPAY)).toEqual([
				{ saleID: '433456', cancelled: true, alreadyCancelled: false },
			]);
			expect(second.outputJson(FLEXPAY)).toEqual([
				{ saleID: '433456', cancelled: true, alreadyCancelled: true },
			]);
			expect(server.sales['433456']).toBe('cancelled');
			const unknown = nodeApiErrorOf(await runCancel(['1'], { data: { baseUrl: server.baseUrl } }));
			expect(unknown.message).toBe(
				'Verotel Control Center could not cancel sale 1 (HTTP 404): Sale not found.',
			);
			expect(server.requests.map((r) => [r.method, r.path])).toEqual([
				['POST', '/api/sale/433456/cancel'],
				['POST', '/api/sale/433456/cancel'],
				['POST', '/api/sale/1/cancel'],
			]);
		} finally {
			await server.close();
		}
	});
});

describe('a timeout (mocked HTTP helper: the real limit is 30 s)', () => {
	it('says the sale may or may not be cancelled and that running again is safe', async () => {
		const timeout = Object.assign(new Error('timeout of 30000ms exceeded'), {
			code: 'ECONNABORTED',
		});
		const { context } = createExecuteContext({
			parameters: { resource: 'subscription', operation: 'cancel', saleID: '433456' },
			httpRequestWithAuthentication: jest.fn().mockRejectedValue(timeout),
		});
		context.getCredentials.mockImplementation(async () => ({
			username: USER,
			password: PASSWORD,
			baseUrl: BASE,
		}));
		const error = await new VerotelFlexPay().execute.call(context).then(
			() => undefined,
			(e: unknown) => e as NodeApiError,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error?.message).toBe(
			'Verotel Control Center did not answer within 30000 ms (sale 433456)',
		);
		expect(error?.description).toMatch(
			/may or may not be cancelled now.*running the node again is safe/,
		);
	});
});
