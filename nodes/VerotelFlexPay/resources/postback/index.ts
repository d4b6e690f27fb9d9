import type { INodeProperties } from 'n8n-workflow';

import * as sendTestPostback from './sendTestPostback';

export const operations = { sendTestPostback };

export const postbackDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['postback'] } },
		options: [
			{
				name: 'Send Test Postback',
				value: 'sendTestPostback',
				action: 'Send a test postback',
				description:
					'Sign a sample postback with your signature key and send it to a Verotel FlexPay Trigger, as Verotel does',
			},
		],
		default: 'sendTestPostback',
	},
	...sendTestPostback.description,
];
