import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildSubscriptionRequest, type SubscriptionParams } from '../../../../lib';
import { getFlexPayConfig } from '../../shared/credentials';
import {
	additionalFields,
	fieldNames,
	orderFields,
	showFor,
	SUBSCRIPTION_LINK_FIELDS,
	subscriptionTermsFields,
} from '../../shared/descriptions';
import {
	pickFields,
	readPrice,
	readSubscriptionTerms,
	signedRequestToJson,
} from '../../shared/utils';

const displayOptions = showFor('paymentLink', 'createSubscriptionUrl');

const ADDITIONAL = fieldNames(...SUBSCRIPTION_LINK_FIELDS, 'referenceID');

export const description: INodeProperties[] = [
	...subscriptionTermsFields(
		displayOptions,
		'Price of one period with a dot and up to two decimals, e.g. 29.99',
	),
	additionalFields(
		displayOptions,
		ADDITIONAL.map((name) => orderFields[name]),
	),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = await getFlexPayConfig.call(this, itemIndex);
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const params: SubscriptionParams = {
		...pickFields(extra, ADDITIONAL),
		...readPrice(this, itemIndex),
		...readSubscriptionTerms(this, itemIndex),
	};
	return signedRequestToJson(buildSubscriptionRequest(config, params));
}
