import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildUpgradeSubscriptionRequest, type UpgradeSubscriptionParams } from '../../../../lib';
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
		description: 'Sale ID of the subscription being upgraded',
		displayOptions,
	},
	...subscriptionTermsFields(
		displayOptions,
		'Price of one period of the new subscription, e.g. 49.99',
	),
	additionalFields(displayOptions, [
		...ADDITIONAL.filter((name) => name !== 'upgradeOption').map((name) => orderFields[name]),
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
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = await getFlexPayConfig.call(this, itemIndex);
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const params: UpgradeSubscriptionParams = {
		...pickFields(extra, ADDITIONAL),
		precedingSaleID: this.getNodeParameter('precedingSaleID', itemIndex) as string,
		...readPrice(this, itemIndex, { allowZero: true }),
		...readSubscriptionTerms(this, itemIndex),
	};
	return signedRequestToJson(buildUpgradeSubscriptionRequest(config, params));
}
