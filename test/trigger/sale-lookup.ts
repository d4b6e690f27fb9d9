/**
 * The sale status service as the trigger's "Fetch Sale Details" reaches it
 * through real HTTP: its host and a FOUND answer for nock, the signature a
 * request must carry, n8n-core's own httpRequestWithAuthentication over the
 * package's real credential (realHttp), and lookup(): a delivery with the
 * option on, checked to have made no request from webhook().
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	IExecuteFunctions,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';
import { httpRequestWithAuthentication as coreHttpRequestWithAuthentication } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { VerotelFlexPayApi } from '../../credentials/VerotelFlexPayApi.credentials';
import { computeSignature } from '../../lib';
import { deliverAndExecute, type Delivery } from './delivery';
import { outputItemOf } from './execute-harness';
import { KEY, SHOP } from './fixtures';
import { itemOf, type CallOptions } from './webhook-harness';

/** Where the status service of the default credential (brand verotel) answers. */
export const HOST = 'https://secure.verotel.com';

/** The status service's answer for the sale of PURCHASE. */
export const FOUND_BODY = [
	'response: FOUND',
	'saleID: 700001',
	`shopID: ${SHOP}`,
	'referenceID: order-1001',
	'saleResult: APPROVED',
	'priceAmount: 19.99',
	'priceCurrency: EUR',
	'paymentMethod: CC',
	'email: buyer@example.com',
	'country: DE',
	'billingAddr_fullName: Erika Mustermann',
	'billingAddr_city: Berlin',
	'billingAddr_zip: 10115',
	'billingAddr_country: DE',
	'',
].join('\n');

/** n8n's CredentialsHelper.authenticate for a credential whose authenticate is a function. */
export function realHttp(
	credentialType = new VerotelFlexPayApi(),
): CallOptions['httpRequestWithAuthentication'] {
	const additionalData = {
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (
				credentials: ICredentialDataDecryptedObject,
				_type: string,
				options: IHttpRequestOptions,
			) => await credentialType.authenticate(credentials, options),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return async function (this: IExecuteFunctions, type: string, options: IHttpRequestOptions) {
		return await coreHttpRequestWithAuthentication.call(
			this as never,
			type,
			options,
			{} as Workflow,
			this.getNode() as INode,
			additionalData,
		);
	};
}

/** The signature a status request for `query` carries, made with the shop's key. */
export function expectedStatusSignature(query: Record<string, string>): string {
	// salestatus signs shopID, saleID|referenceID and version (protocol 4).
	return computeSignature(KEY, { ...query, shopID: SHOP, version: '4' });
}

/**
 * webhook() with "Fetch Sale Details" on, then execute() with its item: the
 * webhook part must have made no request and emitted no sale.
 */
export async function lookup(call: CallOptions): Promise<Delivery & { item: IDataObject }> {
	const delivery = await deliverAndExecute({
		options: { fetchSaleDetails: true },
		httpRequestWithAuthentication: realHttp(),
		...call,
	});
	const webhookItem = itemOf(delivery.result);
	expect(delivery.h.ctx.helpers.httpRequestWithAuthentication).not.toHaveBeenCalled();
	expect(webhookItem).not.toHaveProperty('sale');
	expect(webhookItem).not.toHaveProperty('saleLookup');
	expect(delivery.h.res.sendCount).toBe(0);
	return { ...delivery, item: outputItemOf(delivery.output) };
}
