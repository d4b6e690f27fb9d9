import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildSubscriptionRequest, type SubscriptionParams } from '../../../../lib';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import {
	fieldNames,
	orderFields,
	showFor,
	SUBSCRIPTION_LINK_FIELDS,
	subscriptionLinkFields,
} from '../../helpers/descriptions';
import { readSubscriptionLink, signedRequestToJson } from '../../helpers/utils';

const displayOptions = showFor('paymentLink', 'createSubscriptionUrl');

const ADDITIONAL = fieldNames(...SUBSCRIPTION_LINK_FIELDS, 'referenceID');

export const description: INodeProperties[] = subscriptionLinkFields(
	displayOptions,
	'Price of one period with a dot and up to two decimals, e.g. 29.99',
	orderFields.referenceID,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const params: SubscriptionParams = readSubscriptionLink(this, itemIndex, ADDITIONAL);
	return signedRequestToJson(buildSubscriptionRequest(config, params));
}
