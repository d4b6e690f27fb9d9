import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildCancelSubscriptionRequest } from '../../../../lib';
import { getFlexPayConfig } from '../../shared/credentials';
import { showFor } from '../../shared/descriptions';
import { signedRequestToJson } from '../../shared/utils';

const displayOptions = showFor('paymentLink', 'createCancelSubscriptionUrl');

export const description: INodeProperties[] = [
	{
		displayName: 'Sale ID',
		name: 'saleId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 433456',
		description: 'Sale ID of the subscription the buyer may cancel on the page',
		displayOptions,
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = await getFlexPayConfig.call(this, itemIndex);
	const saleID = this.getNodeParameter('saleId', itemIndex) as string;
	return signedRequestToJson(buildCancelSubscriptionRequest(config, { saleID }));
}
