// Credentials and workflows brought into n8n through its CLI, as a user's export is imported,
// and the workflows activated the supported way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** n8n-style id: 16 alphanumeric characters. */
export function newId() {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Accept an array/object of fixtures or the path of a JSON file; always return an array. */
export function loadFixtures(value) {
	if (value === undefined || value === null) return [];
	const data = typeof value === 'string' ? JSON.parse(fs.readFileSync(value, 'utf8')) : value;
	return structuredClone(Array.isArray(data) ? data : [data]);
}

/**
 * `n8n import:credentials`: n8n upserts by id, so importing a credential again with new
 * data is how a running n8n gets a changed credential (a key rotated) from outside.
 * @param {(args: string[]) => Promise<string>} cli runs an n8n CLI command (see n8nCli())
 */
export async function importCredentials(cli, workDir, list) {
	const file = path.join(workDir, 'credentials.json');
	fs.writeFileSync(file, JSON.stringify(list, null, 2));
	await cli(['import:credentials', `--input=${file}`]);
}

/**
 * Import `credentials` and `workflows` (see startN8n(); ids are made up where missing) into an
 * n8n that is not running yet, and activate `activate` (true: all of them).
 * @returns {Promise<{ credentialIds: string[], workflowIds: string[] }>}
 */
export async function importFixtures({
	cli,
	workDir,
	major,
	credentials,
	workflows,
	activate,
	log,
}) {
	const creds = loadFixtures(credentials);
	for (const credential of creds) credential.id ??= newId();
	if (creds.length) {
		await importCredentials(cli, workDir, creds);
		log(`imported ${creds.length} credential(s)`);
	}

	const wfs = loadFixtures(workflows);
	for (const workflow of wfs) {
		workflow.id ??= newId();
		workflow.active = false; // activation is done below, the supported way
		workflow.settings ??= {};
		workflow.connections ??= {};
	}
	if (wfs.length) {
		const file = path.join(workDir, 'workflows.json');
		fs.writeFileSync(file, JSON.stringify(wfs, null, 2));
		const output = await cli(['import:workflow', `--input=${file}`]);
		// 2.x skips workflows that violate its content-import policy, and only warns about it.
		const skipped = output.split('\n').filter((line) => line.includes('Skipped workflow'));
		if (skipped.length)
			throw new Error(`n8n import:workflow skipped workflows:\n${skipped.join('\n')}`);
		log(`imported ${wfs.length} workflow(s)`);
	}

	// 1.x runs a sub-workflow without activating it and refuses to activate one ("no node to
	// start the workflow"), retrying forever; 2.x runs only published sub-workflows.
	const toActivate = (
		activate === true ? wfs.map((w) => w.id) : Array.isArray(activate) ? activate : []
	).filter((id) => major >= 2 || !isSubWorkflow(wfs.find((w) => w.id === id)));
	for (const id of toActivate) {
		// 2.x publishes a workflow version; 1.x flips the active flag. Both only take effect
		// for an n8n that starts afterwards.
		await cli(
			major >= 2
				? ['publish:workflow', `--id=${id}`]
				: ['update:workflow', `--id=${id}`, '--active=true'],
		);
	}
	if (toActivate.length) log(`activated ${toActivate.length} workflow(s)`);

	return { credentialIds: creds.map((c) => c.id), workflowIds: wfs.map((w) => w.id) };
}

const EXECUTE_WORKFLOW_TRIGGER = 'n8n-nodes-base.executeWorkflowTrigger';

/** Started only by other workflows: an Execute Workflow Trigger and no other trigger. */
export function isSubWorkflow(workflow) {
	const enabled = (workflow?.nodes ?? []).filter((node) => !node.disabled);
	return (
		enabled.some((node) => node.type === EXECUTE_WORKFLOW_TRIGGER) &&
		!enabled.some(
			(node) => node.type !== EXECUTE_WORKFLOW_TRIGGER && /(trigger|\.webhook)$/i.test(node.type),
		)
	);
}

/**
 * The ids of the workflows a suite publishes: all but those a Schedule Trigger starts. The suites
 * run those on demand (`n8n execute`); published, their hourly schedule would run them a second
 * time when a suite crosses the top of an hour.
 */
export function publishedUnlessScheduled(workflows) {
	return workflows
		.filter((w) => !w.nodes.some((node) => node.type === 'n8n-nodes-base.scheduleTrigger'))
		.map((w) => w.id);
}
