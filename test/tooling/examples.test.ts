/**
 * The example workflows as files: the postbacks, token and membership workflows call the
 * chargeback alert by the id the alert is imported with, and hand it the trigger's item. Node types and versions against real
 * n8n: examples-real-n8n.test.ts.
 */
import { BASE, EXAMPLE_WORKFLOWS } from '../fixtures/examples';

const examples = EXAMPLE_WORKFLOWS;

describe('the example workflows', () => {
	it('are found', () => {
		expect(examples.map((e) => e.file)).toContain('verotel-chargeback-alert.json');
	});

	it('have names that fit n8n’s workflow name column (128 characters; PostgreSQL enforces it)', () => {
		expect(
			examples.filter(({ workflow }) => workflow.name.length > 128).map((e) => e.file),
		).toEqual([]);
	});

	it('call the chargeback alert by the id it is imported with, with the postback item', () => {
		const alert = examples.find((e) => e.file === 'verotel-chargeback-alert.json')!.workflow;
		const callers = examples.flatMap(({ file, workflow }) =>
			workflow.nodes
				.filter((node) => node.type === `${BASE}executeWorkflow`)
				.map((node) => ({ file, node, workflow })),
		);
		expect(callers.map((c) => c.file).sort()).toEqual([
			'verotel-membership.json',
			'verotel-postbacks.json',
			'verotel-token-credit.json',
		]);
		for (const { node, workflow } of callers) {
			expect(node.parameters?.workflowId).toMatchObject({ __rl: true, value: alert.id });
			// What reaches it is the trigger's item (the CRM's answer would be useless): a copy of it
			// after the CRM calls, or a Filter right behind the trigger, which passes it as it is.
			const feederOf = (name: string) => {
				const before = Object.entries(workflow.connections).filter(([, c]) =>
					c.main.some((out) => out.some((to) => to.node === name)),
				);
				expect(before).toHaveLength(1);
				return workflow.nodes.find((n) => n.name === before[0][0])!;
			};
			const feeder = feederOf(node.name);
			if (feeder.type === `${BASE}filter`) {
				expect(feederOf(feeder.name).type).toBe('n8n-nodes-verotel-flexpay.verotelFlexPayTrigger');
			} else {
				expect(feeder.parameters).toMatchObject({
					mode: 'raw',
					jsonOutput: "={{ JSON.stringify($('Verotel FlexPay Trigger').item.json) }}",
				});
			}
		}
		const entry = alert.nodes.filter((n) => n.type === `${BASE}executeWorkflowTrigger`);
		expect(entry).toHaveLength(1);
		expect(entry[0].parameters).toEqual({ inputSource: 'passthrough' });
	});
});
