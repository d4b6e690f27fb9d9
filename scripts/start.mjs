#!/usr/bin/env node
// `npm start`: a local n8n with this package installed, a FlexPay credential, an SMTP credential
// and the example workflows active, plus local stand-ins for the mail server, the CRM and
// Verotel's sale-status service. Prints what to open, paste and run; Ctrl-C stops everything.
// main() below is the sequence; scripts/start/ holds its steps (options, login, purchase link,
// what it prints).
//
//   npm start                                  the demo shop (public demo key)
//   FLEXPAY_SHOP_ID=... FLEXPAY_SIGNATURE_KEY=... npm start     your own website
//   npm start -- --n8n 1 --port 5700 --fresh   n8n line/version, port, start from scratch
//
// Settings (command line wins over the environment):
//   --n8n <line|version>  N8N_VERSION   n8n to run: 2 (newest 2.x, on Node 24 from npm), 1 (1.123.x on
//                                        this Node) or an exact version; default: the newest that runs here
//   --port <port>         N8N_PORT      default 5678
//   --public-url <url>    WEBHOOK_URL   the address Verotel reaches this n8n at (e.g. a tunnel); only
//                                        changes the postback URL n8n shows and this script prints
//   --fresh                             forget the previous run's data (workflows, executions)
//   FLEXPAY_SHOP_ID, FLEXPAY_SIGNATURE_KEY, FLEXPAY_BRAND, FLEXPAY_BASE_URL   the shop (scripts/demo-config.mjs)
//   DEMO_OWNER_EMAIL, DEMO_OWNER_PASSWORD   the editor login (default demo@example.com / FlexPay-demo-1)

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cacheRoot, n8nInstallDir, readMarker } from './n8n/cache.mjs';
import { ensureN8n } from './n8n/install.mjs';
import { startN8n } from './n8n/instance.mjs';
import { resolveSpec } from './n8n/versions.mjs';
import { demoSettings } from './demo-config.mjs';
import { DEMO_CONTROL_CENTER, startDemoServices } from './demo-services.mjs';
import { EXAMPLES, exampleCredentials, loadExamples, n8nApiCredential } from './examples.mjs';
import { createApiKey } from './n8n/api-key.mjs';
import { editorLogin, ownerEnvironment } from './n8n/owner.mjs';
import { HELP, readOptions } from './start/options.mjs';
import { purchaseLink } from './start/purchase-link.mjs';
import { printEvent, printSummary, reportExecutions } from './start/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const say = (line = '') => console.log(line ? `[start] ${line}` : '');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function run(cmd, args, options = {}) {
	return new Promise((resolve, reject) => {
		execFile(
			cmd,
			args,
			{ cwd: root, maxBuffer: 64 * 1024 * 1024, ...options },
			(error, stdout, stderr) => {
				if (error) reject(Object.assign(error, { output: `${stdout}${stderr}` }));
				else resolve(`${stdout}${stderr}`);
			},
		);
	});
}

async function main() {
	const options = readOptions();
	if (options.help) {
		console.log(HELP);
		return;
	}
	const { line, port, publicUrl, owner } = options;
	const t0 = Date.now();
	// Whatever has been started so far; Ctrl-C at any point stops exactly that.
	let demo;
	let n8n;
	let executionPoller;
	let stopping = false;
	const stopAll = async (why, code = 0) => {
		if (stopping) return;
		stopping = true;
		clearInterval(executionPoller);
		say(
			`${why}: stopping${n8n ? ` n8n (pid ${n8n.pid})` : ''}${demo ? ' and the demo services' : ''}`,
		);
		await n8n?.stop();
		await demo?.stop();
		say('stopped');
		// exit() also runs the exit handler of processes.mjs, which ends an npm install in
		// progress and frees its lock.
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
		process.on(signal, () => stopAll(signal === 'SIGINT' ? 'Ctrl-C' : signal));
	const shop = demoSettings();

	// 1. The package, built from this checkout.
	let t = Date.now();
	say('building the package (npm run build)');
	try {
		await run('npm', ['run', '--silent', 'build']);
	} catch (error) {
		console.error(error.output || error.message);
		throw new Error('npm run build failed');
	}
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	say(`built ${pkg.name}@${pkg.version} (${seconds(Date.now() - t)})`);

	// 2. n8n, installed once into the cache.
	t = Date.now();
	const spec = resolveSpec(line);
	if (!readMarker(n8nInstallDir(spec.version))) {
		say(
			`first run: installing n8n ${spec.version} into ${cacheRoot()} (about 2,400 packages and 3 GB, 3-5 minutes; reused afterwards)`,
		);
	}
	const install = await ensureN8n(spec, { log: (msg) => say(`n8n install: ${msg}`) });
	say(`n8n ${install.version} on Node ${install.nodeVersion} (${seconds(Date.now() - t)})`);

	// 3. The stand-ins: SMTP sink, CRM, sale-status service (and the demo order page).
	demo = await startDemoServices({
		flexpay: { shopId: shop.shopId, signatureKey: shop.signatureKey },
		onEvent: printEvent,
	});
	say(
		`demo services: SMTP sink 127.0.0.1:${demo.ports.smtp}, CRM + sale status + order page ${demo.baseUrl}`,
	);

	// 4. n8n with the package, the credentials and the example workflows.
	const userFolder = path.join(cacheRoot(), 'start', `n8n-${install.version}`);
	if (options.fresh) fs.rmSync(userFolder, { recursive: true, force: true });
	const statusBaseUrl = shop.baseUrl || (shop.isDemo ? demo.baseUrl : '');
	const env = {};
	if (publicUrl) env.WEBHOOK_URL = publicUrl;
	Object.assign(env, ownerEnvironment(install, owner));
	t = Date.now();
	say(
		`starting n8n ${install.version} on http://127.0.0.1:${port} (data kept in ${userFolder}; --fresh forgets it)`,
	);
	n8n = await startN8n({
		install,
		packageDir: root,
		port,
		userFolder,
		credentials: exampleCredentials({
			flexpay: {
				shopId: shop.shopId,
				signatureKey: shop.signatureKey,
				brand: shop.brand,
				baseUrl: statusBaseUrl,
			},
			smtp: { host: '127.0.0.1', port: demo.ports.smtp },
			controlCenter: { ...DEMO_CONTROL_CENTER, baseUrl: demo.controlCenter.baseUrl },
		}),
		workflows: loadExamples({ crmBaseUrl: demo.baseUrl, n8nBaseUrl: `http://127.0.0.1:${port}` }),
		waitForWebhooks: [
			EXAMPLES.postbacks.webhookPath,
			{ path: EXAMPLES.order.webhookPath, method: 'POST' },
		],
		env,
		log: (msg) => say(`n8n: ${msg}`),
	});
	const localPostbackUrl = n8n.webhookUrl(EXAMPLES.postbacks.webhookPath);
	demo.setPostbackUrl(localPostbackUrl);
	say(`n8n is up (${seconds(Date.now() - t)})`);

	n8n.exited.then(({ code, signal }) => {
		if (stopping) return;
		console.error(
			`[start] n8n exited unexpectedly (${signal ?? `exit code ${code}`}); last lines of ${n8n.logFile}:\n${n8n.logTail(30)}`,
		);
		stopAll('n8n exited', 1);
	});

	// 5. The editor login.
	const login = await editorLogin(n8n, owner);

	// 5b. The recovery template reads and re-runs executions through n8n's public API: an API key
	// of the owner (n8n issues keys only while it runs) into its n8n API credential.
	try {
		const apiKey = await createApiKey(n8n, owner, { label: 'npm start: FlexPay recovery' });
		await n8n.importCredentials([n8nApiCredential({ apiKey, baseUrl: n8n.baseUrl })]);
		say('n8n API key made for the recovery template (credential "n8n API (this n8n)")');
	} catch (error) {
		say(`no n8n API key for the recovery template (it fails until you add one): ${error.message}`);
	}

	// 6. A purchase link made by the Verotel FlexPay node: call the order workflow like a shop would.
	const { purchaseUrl, purchaseNote } = await purchaseLink(n8n, shop);

	// 7. What to do next.
	printSummary({
		n8n,
		pkg,
		startedIn: seconds(Date.now() - t0),
		login,
		shop,
		statusBaseUrl,
		publicUrl,
		localPostbackUrl,
		purchaseUrl,
		purchaseNote,
	});

	// 8. Report every execution as it finishes.
	executionPoller = await reportExecutions(n8n, () => stopping);
}

main().catch((error) => {
	console.error(`[start] FAILED: ${error.message}`);
	process.exit(1);
});
