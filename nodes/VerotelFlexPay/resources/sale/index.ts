import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus';

export const operations = { getStatus };

export const saleDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['sale'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the status of a sale',
				description: "Ask Verotel's status service whether a sale exists and how it went",
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
];
