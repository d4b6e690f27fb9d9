'use strict';
// The floor for any community trigger that answers durably: no verification, no
// parsing beyond what n8n already did, hand the query to the workflow and leave
// the `OK` to n8n (responseData), which n8n 2.x sends once it has stored the
// execution. Whatever the FlexPay Trigger costs above this is its own work.
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
			webhooks: [
				{
					name: 'default',
					httpMethod: 'GET',
					responseMode: 'onReceived',
					responseData: 'OK',
					path: 'webhook',
				},
			],
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
		this.getResponseObject().type('text/plain');
		return { workflowData: [[{ json: { query: this.getQueryData() } }]] };
	}
}

module.exports = { FloorTrigger };
