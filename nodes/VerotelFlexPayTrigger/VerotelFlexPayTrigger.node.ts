/** The Verotel FlexPay Trigger: postbacks in, verified items out (docs/design/delivery.md). */
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import { properties, triggerPanel, webhooks } from './description';
import { executePostbacks } from './execute';
import { receivePostback } from './webhook';

export class VerotelFlexPayTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Verotel FlexPay Trigger',
		name: 'verotelFlexPayTrigger',
		icon: { light: 'file:../../icons/flexpay.svg', dark: 'file:../../icons/flexpay.dark.svg' },
		group: ['trigger'],
		// 2: Fetch Sale Details on unless turned off (options.ts).
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{"Postbacks: " + (($parameter["options"] && $parameter["options"]["events"]) ? $parameter["options"]["events"].join(", ") : "all events")}}',
		description:
			'Starts the workflow on verified Verotel FlexPay postbacks (sales, refunds, chargebacks, subscriptions)',
		eventTriggerDescription: 'Waiting for a postback from Verotel on the test URL',
		activationMessage:
			'Verotel postbacks to the production URL now start this workflow. Make sure that URL is set as "Flexpay postback script URL" in Control Center.',
		defaults: {
			name: 'Verotel FlexPay Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: FLEXPAY_CREDENTIAL_TYPE,
				required: true,
			},
		],
		webhooks,
		triggerPanel,
		properties,
	};

	webhookMethods = {
		default: {
			// Verotel has no API to register postback URLs: the user pastes the URL
			// into Control Center by hand, so there is nothing to check, create or delete.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default');
				this.logger.info(
					`Verotel FlexPay Trigger: set ${url ?? 'the production URL'} as "Flexpay postback script URL" in Control Center`,
				);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receivePostback.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executePostbacks.call(this);
	}
}
