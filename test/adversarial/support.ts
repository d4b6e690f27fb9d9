/**
 * Shared by the adversarial suites: drivers for the trigger's webhook() and
 * Verify Redirect, and the check that a log line quotes no request value.
 * The signed requests themselves live in requests.ts.
 */
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

import type { FlexPayParams } from '../../lib';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { TEST_CREDENTIALS, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import { createExecuteContext, jsonOf } from '../helpers/action-context';
import { harness, type CallOptions, type Harness } from '../trigger/webhook-harness';
import type { Logs } from '../trigger/context-common';

export * from './requests';

export const FORM = 'application/x-www-form-urlencoded';

export type Transport = 'GET' | 'POST';
export type Mode = 'webhook' | 'manual';

/** One delivery to the trigger's webhook(): GET query or POST form body, production or test URL. */
export async function deliver(
	query: string,
	transport: Transport,
	mode: Mode,
	extra: Pick<CallOptions, 'options' | 'credentials'> = {},
): Promise<{ h: Harness; result: IWebhookResponseData }> {
	const h =
		transport === 'GET'
			? harness({ ...extra, query, mode })
			: harness({ ...extra, method: 'POST', body: query, contentType: FORM, mode });
	const result = await h.run();
	return { h, result };
}

/** Every text a log reader sees: message and meta of each line. */
export function logText(logs: Logs): string {
	return JSON.stringify(logs);
}

/**
 * Asserts that no log line quotes a value of `params` (values shorter than 3
 * characters, such as "4" or "CC", cannot be told from ordinary words and
 * numbers such as "(403)").
 */
export function expectNoValuesLogged(logs: Logs, params: FlexPayParams): void {
	const text = logText(logs);
	for (const [name, value] of Object.entries(params)) {
		if (value.length < 3) continue;
		if (text.includes(value)) throw new Error(`a log line quotes the value of "${name}"`);
	}
	expect(text).not.toContain(TEST_SIGNATURE_KEY);
}

const actionNode = new VerotelFlexPay();

/** Signature -> Verify Redirect on one input (query string, full URL or object), with the trigger's credential. */
export async function verifyRedirect(
	redirect: unknown,
	options: IDataObject = {},
	credentials: IDataObject = TEST_CREDENTIALS,
): Promise<IDataObject> {
	const { context } = createExecuteContext({
		credentials: credentials as never,
		parameters: { resource: 'signature', operation: 'verifyRedirect', redirect, options },
	});
	const [json] = jsonOf(await actionNode.execute.call(context));
	return json;
}
