import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildSubscriptionRequest, type SubscriptionParams } from '../../../../lib';
import { getFlexPayConfig } from '../../shared/credentials';
import {
	additionalFields,
	amountField,
	currencyField,
	fieldNames,
	orderFields,
	periodField,
	showFor,
	SUBSCRIPTION_LINK_FIELDS,
	subscriptionTypeField,
} from '../../shared/descriptions';
import { pickFields, readPrice, readSubscriptionTerms, signedRequestToJson } from '../../shared/utils';

const displayOptions = showFor('paymentLink', 'createSubscriptionUrl');

const ADDITIONAL = fieldNames(...SUBSCRIPTION_LINK_FIELDS, 'referenceID');

export const description: INodeProperties[] = [
	amountField(displayOptions, 'Price of one period with a dot and up to two decimals, e.g. 29.99'),
	currencyField(displayOptions),
	subscriptionTypeField(displayOptions),
	periodField(displayOptions),
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
