import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel';

export const operations = { cancel };

export const subscriptionDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['subscription'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a subscription which stops its future rebills and changes billing',
				description:
					'Cancel a subscription in Verotel through the Control Center API: stops its future rebills (changes billing). Needs a Verotel Control Center API credential.',
			},
		],
		default: 'cancel',
	},
	...cancel.description,
];
