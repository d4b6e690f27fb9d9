import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildUpgradeSubscriptionRequest, type UpgradeSubscriptionParams } from '../../../../lib';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import {
	fieldNames,
	showFor,
	SUBSCRIPTION_LINK_FIELDS,
	subscriptionLinkFields,
} from '../../helpers/descriptions';
import { readSubscriptionLink, signedRequestToJson } from '../../helpers/utils';

const displayOptions = showFor('paymentLink', 'createUpgradeSubscriptionUrl');

const ADDITIONAL = fieldNames(...SUBSCRIPTION_LINK_FIELDS, 'upgradeOption');

export const description: INodeProperties[] = [
	{
		displayName: 'Preceding Sale ID',
		name: 'precedingSaleID',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 433456',
		description:
			"Sale ID of the subscription being upgraded (the preceding sale). The new sale's postbacks name it precededBySaleID; the trigger's item gives it as access.replacesSaleID.",
		displayOptions,
	},
	...subscriptionLinkFields(
		displayOptions,
		'Price of one period of the new subscription, e.g. 49.99',
		{
			displayName: 'Upgrade Option',
			name: 'upgradeOption',
			type: 'options',
			options: [
				{
					name: 'Extend',
					value: 'extend',
					description: 'The rest of the current period is added to the new one',
				},
				{ name: 'Lost', value: 'lost', description: 'The rest of the current period is dropped' },
			],
			default: 'extend',
			description: 'What happens to the time left in the current period',
		},
	),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const precedingSaleID = this.getNodeParameter('precedingSaleID', itemIndex) as string;
	const params: UpgradeSubscriptionParams = {
		...readSubscriptionLink(this, itemIndex, ADDITIONAL, { allowZero: true }),
		precedingSaleID,
	};
	return signedRequestToJson(buildUpgradeSubscriptionRequest(config, params));
}
