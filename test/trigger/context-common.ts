/**
 * What the webhook and the execute harness hand the trigger alike: its node as
 * n8n hands it over, the options of a run, the credential, a logger that
 * records every call, and the shape of the status request behind
 * this.helpers.httpRequestWithAuthentication.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	Logger,
} from 'n8n-workflow';

import { TEST_CREDENTIALS } from '../fixtures/flexpay';
import type { ProcessedStore } from './processed-store';

export type StatusRequest = (
	this: IExecuteFunctions,
	type: string,
	options: IHttpRequestOptions,
) => Promise<unknown>;

/** What a delivery to webhook() and the execute() run after it share (deliverAndExecute() passes it on). */
export interface RunOptions {
	options?: IDataObject;
	credentials?: ICredentialDataDecryptedObject | Error;
	/** The status service as execute() reaches it; webhook() must never make a request. */
	httpRequestWithAuthentication?: StatusRequest;
	/** 'webhook' (production, default) or 'manual' (test URL while listening). */
	mode?: 'webhook' | 'manual';
	/** n8n's deduplication store behind this.helpers.checkProcessedAndRecord, offered to execute() (default: none). */
	processed?: ProcessedStore;
	/** The trigger node's version in the workflow (default 1). */
	typeVersion?: number;
}

/** getCredentials() as n8n answers it: a copy of the run's credential (default TEST_CREDENTIALS), or its error; each call logged as `event`. */
export function credentialsOf(
	call: RunOptions,
	events: string[],
	event: string,
): () => Promise<never> {
	const credentials = call.credentials ?? TEST_CREDENTIALS;
	return async () => {
		events.push(event);
		if (credentials instanceof Error) throw credentials;
		return { ...credentials } as never;
	};
}

/** getWorkflowStaticData() for both harnesses: the trigger keeps nothing there (docs/design/delivery.md §4). */
export function keepsNoStaticData(): never {
	throw new Error('the Verotel FlexPay Trigger keeps no static data');
}

export type Logs = Array<{ level: string; message: string; meta?: unknown }>;

export function recordingLogger(logs: Logs): Logger {
	return {
		error: jest.fn((message: string, meta?: unknown) =>
			logs.push({ level: 'error', message, meta }),
		),
		warn: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'warn', message, meta })),
		info: jest.fn((message: string, meta?: unknown) => logs.push({ level: 'info', message, meta })),
		debug: jest.fn((message: string, meta?: unknown) =>
			logs.push({ level: 'debug', message, meta }),
		),
	} as unknown as Logger;
}

/** The trigger node as n8n hands it to webhook() and execute(). */
export const TRIGGER_NODE = {
	id: 'node-1',
	name: 'Verotel FlexPay Trigger',
	type: 'n8n-nodes-verotel-flexpay.verotelFlexPayTrigger',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};
