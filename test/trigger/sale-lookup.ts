/**
 * The sale status service as the trigger's "Fetch Sale Details" reaches it
 * through real HTTP: its host and the sale of PURCHASE it knows (PURCHASE_SALE,
 * whose FOUND answer for nock is foundBody(PURCHASE_SALE)), the signature a
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
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY, type FoundSale } from '../fixtures/flexpay';
import { deliverAndExecute, type Delivery } from './delivery';
import { outputItemOf } from './execute-harness';
import { itemOf, type CallOptions } from './webhook-harness';

/** Where the status service of the default credential (brand verotel) answers. */
export const HOST = 'https://secure.verotel.com';

/**
 * The sale of PURCHASE as the status service knows it, for foundBody(): its
 * amount, currency, method and reference, a buyer in Germany.
 */
export const PURCHASE_SALE: FoundSale = {
	saleID: '700001',
	referenceID: 'order-1001',
	priceAmount: '19.99',
	priceCurrency: 'EUR',
	paymentMethod: 'CC',
	country: 'DE',
	createdOn: undefined,
	cancelled: undefined,
	billingAddr_fullName: 'Erika Mustermann',
	billingAddr_addressLine1: undefined,
	billingAddr_city: 'Berlin',
	billingAddr_zip: '10115',
	billingAddr_country: 'DE',
};

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
	return computeSignature(TEST_SIGNATURE_KEY, { ...query, shopID: TEST_SHOP_ID, version: '4' });
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
