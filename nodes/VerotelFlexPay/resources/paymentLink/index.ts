import type { INodeProperties } from 'n8n-workflow';

import * as createCancelSubscriptionUrl from './createCancelSubscriptionUrl';
import * as createPurchaseUrl from './createPurchaseUrl';
import * as createSubscriptionUrl from './createSubscriptionUrl';
import * as createUpgradeSubscriptionUrl from './createUpgradeSubscriptionUrl';

export const operations = {
	createPurchaseUrl,
	createSubscriptionUrl,
	createUpgradeSubscriptionUrl,
	createCancelSubscriptionUrl,
};

export const paymentLinkDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['paymentLink'] } },
		options: [
			{
				name: 'Create Cancel Subscription URL',
				value: 'createCancelSubscriptionUrl',
				action: 'Create a cancel subscription URL',
				description: 'Create a signed link to the page where a subscriber cancels a subscription',
			},
			{
				name: 'Create Purchase URL',
				value: 'createPurchaseUrl',
				action: 'Create a purchase URL',
				description: 'Create a signed link to the FlexPay order page for a one-off purchase',
			},
			{
				name: 'Create Subscription URL',
				value: 'createSubscriptionUrl',
				action: 'Create a subscription URL',
				description: 'Create a signed link to the FlexPay order page for a subscription',
			},
			{
				name: 'Create Upgrade Subscription URL',
				value: 'createUpgradeSubscriptionUrl',
				action: 'Create an upgrade subscription URL',
				description: 'Create a signed link that upgrades an existing subscription',
			},
		],
		default: 'createPurchaseUrl',
	},
	...createPurchaseUrl.description,
	...createSubscriptionUrl.description,
	...createUpgradeSubscriptionUrl.description,
	...createCancelSubscriptionUrl.description,
];
