/**
 * Test helper for the Verotel FlexPay action node: a jest-mock-extended
 * IExecuteFunctions whose parameters, credential and input items come from
 * plain objects, with n8n's lookup semantics (per item, fallback when unset).
 */
import { mock, type MockProxy } from 'jest-mock-extended';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import { TEST_CREDENTIALS } from '../fixtures/flexpay';

export const TEST_NODE: INode = {
	id: 'c0ffee00-0000-4000-8000-000000000001',
	name: 'Verotel FlexPay',
	type: 'n8n-nodes-verotel-flexpay.verotelFlexPay',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { verotelFlexPayApi: { id: '1', name: 'FlexPay test' } },
};

export interface ContextOptions {
	/** Node parameters; a function gets the item index (like an expression per item). */
	parameters: Record<string, unknown | ((itemIndex: number) => unknown)>;
	items?: INodeExecutionData[];
	credentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	httpRequestWithAuthentication?: jest.Mock;
}

export function createExecuteContext(options: ContextOptions): {
	context: MockProxy<IExecuteFunctions>;
	httpRequestWithAuthentication: jest.Mock;
} {
	const context = mock<IExecuteFunctions>();
	const items = options.items ?? [{ json: {} }];
	context.getInputData.mockReturnValue(items);
	context.getNode.mockReturnValue(TEST_NODE);
	context.continueOnFail.mockReturnValue(options.continueOnFail ?? false);
	context.getCredentials.mockImplementation(async (type: string) => {
		if (type !== 'verotelFlexPayApi') throw new Error(`unexpected credential type ${type}`);
		return { ...(options.credentials ?? TEST_CREDENTIALS) };
	});
	(context.getNodeParameter as unknown as jest.Mock).mockImplementation(
		(name: string, itemIndex: number, fallback?: unknown) => {
			if (!(name in options.parameters)) {
				if (fallback !== undefined) return fallback;
				throw new Error(`parameter ${name} was not set in the test`);
			}
			const value = options.parameters[name];
			return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
		},
	);
	const httpRequestWithAuthentication = options.httpRequestWithAuthentication ?? jest.fn();
	context.helpers.httpRequestWithAuthentication = httpRequestWithAuthentication;
	return { context, httpRequestWithAuthentication };
}

export function jsonOf(output: INodeExecutionData[][]): IDataObject[] {
	return output[0].map((item) => item.json);
}
