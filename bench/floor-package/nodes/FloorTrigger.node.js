'use strict';
// The floor for any community trigger: no verification, no parsing beyond what
// n8n already did, write `OK`, hand the query to the workflow. Whatever the
// FlexPay Trigger costs above this is its own work.
class FloorTrigger {
	constructor() {
		this.description = {
			displayName: 'Floor Trigger',
			name: 'floorTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Answers OK and emits the query',
			defaults: { name: 'Floor Trigger' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' }],
			properties: [],
		};
		this.webhookMethods = {
			default: {
				async checkExists() {
					return true;
				},
				async create() {
					return true;
				},
				async delete() {
					return true;
				},
			},
		};
	}

	async webhook() {
		this.getResponseObject().status(200).type('text/plain').send('OK');
		return { noWebhookResponse: true, workflowData: [[{ json: { query: this.getQueryData() } }]] };
	}
}

module.exports = { FloorTrigger };
