/**
 * The example workflows as files: the postbacks example calls the chargeback alert by the id the
 * alert is imported with, and hands it the trigger's item. Node types and versions against real
 * n8n: examples-real-n8n.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.join(__dirname, '..', '..');

interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	disabled?: boolean;
	parameters?: Record<string, unknown>;
}
interface Workflow {
	id: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}

const EXAMPLES_DIR = path.join(REPO, 'examples');
const examples: Array<{ file: string; workflow: Workflow }> = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort()
	.map((file) => ({
		file,
		workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Workflow,
	}));

const BASE = 'n8n-nodes-base.';

describe('the example workflows', () => {
	it('are found', () => {
		expect(examples.map((e) => e.file)).toContain('verotel-chargeback-alert.json');
	});

	it('call the chargeback alert by the id it is imported with, with the postback item', () => {
		const alert = examples.find((e) => e.file === 'verotel-chargeback-alert.json')!.workflow;
		const callers = examples.flatMap(({ file, workflow }) =>
			workflow.nodes
				.filter((node) => node.type === `${BASE}executeWorkflow`)
				.map((node) => ({ file, node, workflow })),
		);
		expect(callers.map((c) => c.file)).toEqual(['verotel-postbacks.json']);
		for (const { node, workflow } of callers) {
			expect(node.parameters?.workflowId).toMatchObject({ __rl: true, value: alert.id });
			// The node before it passes the trigger's item on (the CRM's answer would be useless).
			const before = Object.entries(workflow.connections).filter(([, c]) =>
				c.main.some((out) => out.some((to) => to.node === node.name)),
			);
			expect(before).toHaveLength(1);
			const feeder = workflow.nodes.find((n) => n.name === before[0][0])!;
			expect(feeder.parameters).toMatchObject({
				mode: 'raw',
				jsonOutput: "={{ JSON.stringify($('Verotel FlexPay Trigger').item.json) }}",
			});
		}
		const entry = alert.nodes.filter((n) => n.type === `${BASE}executeWorkflowTrigger`);
		expect(entry).toHaveLength(1);
		expect(entry[0].parameters).toEqual({ inputSource: 'passthrough' });
	});
});
