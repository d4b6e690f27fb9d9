import type { INodeProperties } from 'n8n-workflow';

import * as verifyRedirect from './verifyRedirect';

export const operations = { verifyRedirect };

export const signatureDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['signature'] } },
		options: [
			{
				name: 'Verify Redirect',
				value: 'verifyRedirect',
				action: 'Verify a success redirect',
				description:
					'Check that a success redirect was signed by Verotel with your signature key, and read its sale',
			},
		],
		default: 'verifyRedirect',
	},
	...verifyRedirect.description,
];
