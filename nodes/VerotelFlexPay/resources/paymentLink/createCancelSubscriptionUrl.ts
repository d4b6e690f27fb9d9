import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildCancelSubscriptionRequest } from '../../../../lib';
import { getFlexPayConfig } from '../../shared/credentials';
import { saleIdField, showFor } from '../../shared/descriptions';
import { signedRequestToJson } from '../../shared/utils';

const displayOptions = showFor('paymentLink', 'createCancelSubscriptionUrl');

export const description: INodeProperties[] = [
	saleIdField(displayOptions, 'Sale ID of the subscription the buyer may cancel on the page'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = await getFlexPayConfig.call(this, itemIndex);
	const saleID = this.getNodeParameter('saleID', itemIndex) as string;
	return signedRequestToJson(buildCancelSubscriptionRequest(config, { saleID }));
}
