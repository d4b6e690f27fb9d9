/**
 * What the Subscription -> Cancel tests share: the Control Center API (host,
 * user, password, the Basic token), the workflow that cancels one sale per
 * item, running it in n8n's engine, and a nock endpoint for one sale.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import nock from 'nock';

import {
	actionWorkflow,
	CONTROL_CENTER_CREDENTIAL,
	runActionWorkflow,
	type PackageTypes,
} from './action-engine';
import { basicAuth } from './control-center-server';
import type { TestCredentialStore } from './n8n-credentials-helper';
import type { EngineRunResult, WorkflowJson } from './n8n-engine';
import { findSecret } from './secret-scan';

/** The Control Center API as nock plays it, and the API user of the test credential. */
export const HOST = 'http://controlcenter.test';
export const BASE = `${HOST}/api`;
export const USER = 'api-user-4711';
export const PASSWORD = 'Cc9PASSWORDCANARYq2Wz7';
export const AUTH = basicAuth(USER, PASSWORD);

/** Start -> Subscription -> Cancel, one item per sale ID, the Sale ID taken from each item's saleID. */
export function cancelWorkflow(
	saleIds: string[],
	onError?: string,
	parameters: INodeParameters = {},
): WorkflowJson {
	return actionWorkflow(
		{ resource: 'subscription', operation: 'cancel', saleID: '={{ $json.saleID }}', ...parameters },
		{
			credentials: CONTROL_CENTER_CREDENTIAL,
			onError,
			items: saleIds.map((saleID) => ({ saleID })),
		},
	);
}

/** The stored Control Center credential (id `cc`), with `data` over the defaults. */
export function credentials(data: IDataObject = {}): TestCredentialStore {
	return {
		cc: {
			type: 'verotelControlCenterApi',
			data: { username: USER, password: PASSWORD, baseUrl: BASE, ...data },
		},
	};
}

/** Runs cancelWorkflow() in n8n's engine and checks that nothing it kept holds the password. */
export async function runCancel(
	saleIds: string[],
	options: { onError?: string; data?: IDataObject; types?: PackageTypes } = {},
): Promise<EngineRunResult> {
	const result = await runActionWorkflow(
		cancelWorkflow(saleIds, options.onError),
		credentials(options.data),
		options.types,
	);
	// Nothing n8n keeps of the run (items, errors, their causes) holds the password or the Basic token.
	expect(findSecret(result.run, PASSWORD)).toEqual([]);
	expect(findSecret(result.run, AUTH.slice('Basic '.length))).toEqual([]);
	return result;
}

/** A nock interceptor for POST /api/sale/<id>/cancel that records the request headers. */
export function cancelEndpoint(
	saleID: string,
	status: number,
	body: unknown,
	headers: Record<string, string> = { 'Content-Type': 'application/json' },
) {
	const seen: Array<Record<string, unknown>> = [];
	const scope = nock(HOST)
		.post(`/api/sale/${saleID}/cancel`)
		.reply(function reply() {
			seen.push({ ...this.req.headers });
			return [status, typeof body === 'string' ? body : JSON.stringify(body), headers];
		});
	return { scope, seen };
}
