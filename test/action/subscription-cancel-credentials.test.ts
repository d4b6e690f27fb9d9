/**
 * Subscription -> Cancel and its credential, as n8n enforces it: the Control
 * Center credential only for the Subscription resource, the FlexPay one only
 * for the others, and the built package (dist) registering the Control Center
 * credential and cancelling through it.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_CREDENTIALS } from '../fixtures/flexpay';
import {
	ACTION_NODE_NAME as FLEXPAY,
	ACTION_NODE_TYPE,
	actionWorkflow,
	builtTypes,
	runActionWorkflow,
	setUpEngineWithNock,
	sourceTypes,
} from '../helpers/action-engine';
import type { TestCredentialStore } from '../helpers/n8n-credentials-helper';
import {
	AUTH,
	cancelEndpoint,
	cancelWorkflow,
	PASSWORD,
	runCancel,
	USER,
} from '../helpers/subscription-cancel';

setUpEngineWithNock();

describe('node credentials: the Control Center credential only for Subscription, as n8n enforces it', () => {
	it('a Subscription node without a Control Center credential fails asking for it (and never uses the FlexPay one)', async () => {
		const workflow = cancelWorkflow(['1']);
		workflow.nodes[1].credentials = { verotelFlexPayApi: { id: 'fp', name: 'FlexPay' } };
		const result = await runActionWorkflow(workflow, {
			fp: { type: 'verotelFlexPayApi', data: TEST_CREDENTIALS },
		});
		expect(result.run.status).toBe('error');
		expect(result.task(FLEXPAY)?.error?.message).toBe(
			'Node does not have any credentials set for "verotelControlCenterApi"',
		);
	});

	it('n8n refuses the FlexPay credential to a Subscription node (hidden there) and the Control Center one to the others', async () => {
		const bothCredentials = {
			verotelFlexPayApi: { id: 'fp', name: 'FlexPay' },
			verotelControlCenterApi: { id: 'cc', name: 'Control Center' },
		};
		// A node type whose execute asks n8n for one credential, to see what n8n's getCredentials allows.
		const askFor = (credentialType: string) => {
			const real = new VerotelFlexPay();
			return Object.assign(Object.create(Object.getPrototypeOf(real)), real, {
				async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
					await this.getCredentials(credentialType);
					return [[{ json: { ok: true } }]];
				},
			}) as VerotelFlexPay;
		};
		const store: TestCredentialStore = {
			fp: { type: 'verotelFlexPayApi', data: TEST_CREDENTIALS },
			cc: { type: 'verotelControlCenterApi', data: { username: USER, password: PASSWORD } },
		};
		const outcome = async (resource: string, credentialType: string) => {
			const types = sourceTypes();
			types.nodeTypes[ACTION_NODE_TYPE] = askFor(credentialType);
			const workflow = actionWorkflow(
				{ resource, operation: 'x' },
				{ credentials: bothCredentials },
			);
			const result = await runActionWorkflow(workflow, store, types);
			return result.run.status === 'success' ? 'allowed' : result.task(FLEXPAY)?.error?.message;
		};
		expect(await outcome('subscription', 'verotelControlCenterApi')).toBe('allowed');
		expect(await outcome('subscription', 'verotelFlexPayApi')).toBe('Credentials not found');
		for (const resource of ['paymentLink', 'sale', 'signature']) {
			expect(await outcome(resource, 'verotelFlexPayApi')).toBe('allowed');
			expect(await outcome(resource, 'verotelControlCenterApi')).toBe('Credentials not found');
		}
	});
});

describe('the built package (dist) as n8n loads it', () => {
	it('registers the Control Center credential and cancels through it (when built)', async () => {
		const built = await builtTypes();
		if (!built) {
			console.warn('skipped: dist is not built (npm run build)');
			return;
		}
		expect(built.credentialTypes.verotelControlCenterApi?.name).toBe('verotelControlCenterApi');
		const endpoint = cancelEndpoint('433456', 200, { is_success: true });
		const result = await runCancel(['433456'], { types: built });
		expect(endpoint.seen[0]).toMatchObject({
			authorization: AUTH,
			accept: 'application/json; version=1.5.0',
		});
		expect(result.outputJson(FLEXPAY)).toEqual([
			{ saleID: '433456', cancelled: true, alreadyCancelled: false },
		]);
	});
});
