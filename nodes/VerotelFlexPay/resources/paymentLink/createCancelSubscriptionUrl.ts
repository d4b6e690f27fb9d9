import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildCancelSubscriptionRequest } from '../../../../lib';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import { saleIdField, showFor } from '../../helpers/descriptions';
import { signedRequestToJson } from '../../helpers/utils';

const displayOptions = showFor('paymentLink', 'createCancelSubscriptionUrl');

export const description: INodeProperties[] = [
	saleIdField(displayOptions, 'Sale ID of the subscription the buyer may cancel on the page'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const saleID = this.getNodeParameter('saleID', itemIndex) as string;
	return signedRequestToJson(buildCancelSubscriptionRequest(config, { saleID }));
}
