// A test run as the editor starts one with "Execute workflow": n8n listens on the trigger's test
// URL (/webhook-test/…) for one call and runs the workflow on it in manual mode. Needs an owner
// session (owner.mjs); the same request on both n8n lines (2.x ignores `workflowData`, 1.x
// needs it).
import { httpRequest } from './http.mjs';

/**
 * Makes n8n listen for one test event of `triggerName` in workflow `workflowId`; resolves once n8n
 * says it waits for the webhook. Throws, saying what n8n answered, otherwise.
 */
export async function listenForTestEvent(n8n, { headers }, workflowId, triggerName) {
	const url = `${n8n.baseUrl}/rest/workflows/${encodeURIComponent(workflowId)}`;
	const stored = await httpRequest(url, { headers });
	if (stored.status !== 200)
		throw new Error(`n8n answered HTTP ${stored.status} for workflow ${workflowId}`);
	const run = await httpRequest(`${url}/run`, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: JSON.stringify({
			workflowData: JSON.parse(stored.body).data,
			triggerToStartFrom: { name: triggerName },
		}),
	});
	const waiting = run.status === 200 && JSON.parse(run.body).data?.waitingForWebhook === true;
	if (!waiting)
		throw new Error(
			`n8n did not start listening for a test event (HTTP ${run.status}): ${run.body.slice(0, 200)}`,
		);
}
