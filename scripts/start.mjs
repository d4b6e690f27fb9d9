#!/usr/bin/env node
// `npm start`: a local n8n with this package installed, a FlexPay credential, an SMTP credential
// and the example workflows active, plus local stand-ins for the mail server, the CRM and
// Verotel's sale-status service. Prints what to open, paste and run; Ctrl-C stops everything.
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
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { cacheRoot, n8nInstallDir, readMarker } from './n8n/cache.mjs';
import { ensureN8n } from './n8n/install.mjs';
import { httpRequest } from './n8n/http.mjs';
import { startN8n } from './n8n/instance.mjs';
import { resolveSpec } from './n8n/versions.mjs';
import { demoSettings } from './demo-config.mjs';
import { DEMO_CONTROL_CENTER, startDemoServices } from './demo-services.mjs';
import { EXAMPLES, exampleCredentials, loadExamples } from './examples.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const HELP = `Usage: npm start [-- options]

  --n8n <line|version>   n8n line (2, 1) or exact version      env N8N_VERSION   default: newest that runs here
  --port <port>          port of n8n on 127.0.0.1               env N8N_PORT      default: 5678
  --public-url <url>     public address of this n8n             env WEBHOOK_URL   (for Control Center)
  --fresh                start with an empty n8n database
  -h, --help             this text

Your shop: FLEXPAY_SHOP_ID, FLEXPAY_SIGNATURE_KEY, FLEXPAY_BRAND, FLEXPAY_BASE_URL (default: the demo shop).
Editor login: DEMO_OWNER_EMAIL, DEMO_OWNER_PASSWORD (default demo@example.com / FlexPay-demo-1).
`;

const say = (line = '') => console.log(line ? `[start] ${line}` : '');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The newest n8n line this machine can run: 2.x needs Node 24 (taken from npm on linux-x64). */
function defaultLine() {
	if (process.versions.node.split('.')[0] === '24') return '2';
	if (process.platform === 'linux' && process.arch === 'x64') return '2';
	return '1';
}

function run(cmd, args, options = {}) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { cwd: root, maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
			if (error) reject(Object.assign(error, { output: `${stdout}${stderr}` }));
			else resolve(`${stdout}${stderr}`);
		});
	});
}

/** A bcrypt hash made with the bcryptjs that ships inside n8n (no extra dependency). */
function bcryptHash(install, password) {
	const requireFromN8n = createRequire(path.join(install.dir, 'node_modules', 'n8n', 'package.json'));
	return requireFromN8n('bcryptjs').hashSync(password, 10);
}

async function main() {
	const { values } = parseArgs({
		options: {
			n8n: { type: 'string' },
			port: { type: 'string' },
			'public-url': { type: 'string' },
			fresh: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) {
		console.log(HELP);
		return;
	}
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
		say(`${why}: stopping${n8n ? ` n8n (pid ${n8n.pid})` : ''}${demo ? ' and the demo services' : ''}`);
		await n8n?.stop();
		await demo?.stop();
		say('stopped');
		// exit() also runs the installer's exit handler, which ends an npm install in progress.
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(signal === 'SIGINT' ? 'Ctrl-C' : signal));
	const shop = demoSettings();
	const line = (values.n8n ?? process.env.N8N_VERSION ?? defaultLine()).trim();
	const port = Number(values.port ?? process.env.N8N_PORT ?? 5678);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Not a port: ${values.port ?? process.env.N8N_PORT}`);
	let publicUrl = (values['public-url'] ?? process.env.WEBHOOK_URL ?? '').trim();
	if (publicUrl && !publicUrl.endsWith('/')) publicUrl += '/';
	const owner = {
		email: (process.env.DEMO_OWNER_EMAIL || 'demo@example.com').trim(),
		password: process.env.DEMO_OWNER_PASSWORD || 'FlexPay-demo-1',
	};

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
		say(`first run: installing n8n ${spec.version} into ${cacheRoot()} (about 2,400 packages and 3 GB, 3-5 minutes; reused afterwards)`);
	}
	const install = await ensureN8n(spec, { log: (msg) => say(`n8n install: ${msg}`) });
	say(`n8n ${install.version} on Node ${install.nodeVersion} (${seconds(Date.now() - t)})`);

	// 3. The stand-ins: SMTP sink, CRM, sale-status service (and the demo order page).
	demo = await startDemoServices({
		flexpay: { shopId: shop.shopId, signatureKey: shop.signatureKey },
		onEvent: printEvent,
	});
	say(`demo services: SMTP sink 127.0.0.1:${demo.ports.smtp}, CRM + sale status + order page ${demo.baseUrl}`);

	// 4. n8n with the package, the credentials and the example workflows.
	const userFolder = path.join(cacheRoot(), 'start', `n8n-${install.version}`);
	if (values.fresh) fs.rmSync(userFolder, { recursive: true, force: true });
	const statusBaseUrl = shop.baseUrl || (shop.isDemo ? demo.baseUrl : '');
	const env = {};
	if (publicUrl) env.WEBHOOK_URL = publicUrl;
	if (install.major >= 2) {
		// n8n 2.x opens the editor only once an owner exists; let n8n create it from the environment.
		Object.assign(env, {
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: owner.email,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(install, owner.password),
			N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
			N8N_INSTANCE_OWNER_LAST_NAME: 'Merchant',
		});
	}
	t = Date.now();
	say(`starting n8n ${install.version} on http://127.0.0.1:${port} (data kept in ${userFolder}; --fresh forgets it)`);
	n8n = await startN8n({
		install,
		packageDir: root,
		port,
		userFolder,
		credentials: exampleCredentials({
			flexpay: { shopId: shop.shopId, signatureKey: shop.signatureKey, brand: shop.brand, baseUrl: statusBaseUrl },
			smtp: { host: '127.0.0.1', port: demo.ports.smtp },
			controlCenter: { ...DEMO_CONTROL_CENTER, baseUrl: demo.controlCenter.baseUrl },
		}),
		workflows: loadExamples({ crmBaseUrl: demo.baseUrl }),
		waitForWebhooks: [EXAMPLES.postbacks.webhookPath, { path: EXAMPLES.order.webhookPath, method: 'POST' }],
		env,
		log: (msg) => say(`n8n: ${msg}`),
	});
	const localPostbackUrl = n8n.webhookUrl(EXAMPLES.postbacks.webhookPath);
	demo.setPostbackUrl(localPostbackUrl);
	say(`n8n is up (${seconds(Date.now() - t)})`);

	n8n.exited.then(({ code, signal }) => {
		if (stopping) return;
		console.error(`[start] n8n exited unexpectedly (${signal ?? `exit code ${code}`}); last lines of ${n8n.logFile}:\n${n8n.logTail(30)}`);
		stopAll('n8n exited', 1);
	});

	// 5. The editor login.
	let login = `${owner.email} / ${owner.password}`;
	if (install.major < 2) {
		// n8n 1.x has no owner-from-environment: create the owner through the set-up endpoint
		// (a fresh instance only; later starts keep the account made the first time).
		const setup = await httpRequest(`${n8n.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: owner.email, firstName: 'Demo', lastName: 'Merchant', password: owner.password }),
		});
		if (setup.status !== 200 && !/already/i.test(setup.body)) say(`owner set-up answered HTTP ${setup.status}: ${setup.body.slice(0, 200)}`);
	}
	const loggedIn = await httpRequest(`${n8n.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password }),
	});
	if (loggedIn.status !== 200) login += `  (the login check answered HTTP ${loggedIn.status}; --fresh resets the account)`;

	// 6. A purchase link made by the Verotel FlexPay node: call the order workflow like a shop would.
	const order = { orderId: `demo-${Date.now().toString(36)}`, amount: '9.99', currency: 'EUR', description: 'Demo: HD video download', email: 'buyer@example.com' };
	let purchaseUrl = '';
	let purchaseNote = '';
	try {
		const answer = await httpRequest(n8n.webhookUrl(EXAMPLES.order.webhookPath), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(order),
		});
		const body = JSON.parse(answer.body);
		if (answer.status !== 200 || !body.purchaseUrl) throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
		purchaseUrl = body.purchaseUrl;
		const { signature, ...params } = Object.fromEntries(new URL(purchaseUrl).searchParams);
		const lib = require(path.join(root, 'index.js'));
		purchaseNote = lib.signRequest(shop.signatureKey, params) === signature ? 'signature checked' : 'SIGNATURE DOES NOT VERIFY';
	} catch (error) {
		purchaseNote = `the order workflow failed: ${error.message}`;
	}

	// 7. What to do next.
	const productionUrl = `${publicUrl || `${n8n.baseUrl}/`}webhook/${EXAMPLES.postbacks.webhookPath}`;
	const shopLine = shop.isDemo
		? `demo shop ${shop.shopId} (public demo key); for your website set FLEXPAY_SHOP_ID and FLEXPAY_SIGNATURE_KEY`
		: `shop ${shop.shopId} (${shop.brand}), key from FLEXPAY_SIGNATURE_KEY; sale status from ${statusBaseUrl || brandHost(shop.brand)}`;
	const postbackCommand = `npm run postback -- --url ${localPostbackUrl}`;
	const out = [
		'',
		'='.repeat(100),
		`  n8n ${n8n.version} with ${pkg.name} ${pkg.version} is running (started in ${seconds(Date.now() - t0)})`,
		'',
		`  Editor          ${n8n.baseUrl}/`,
		`  Log in          ${login}`,
		`  Shop            ${shopLine}`,
		'',
		'  Postback URL    (paste into Control Center: Setup Websites -> your website -> FlexPay options ->',
		'                  "Flexpay postback script URL"; Verotel must be able to reach it, see --public-url)',
		`                  ${productionUrl}`,
		'',
		`  Purchase link   made by the Verotel FlexPay node in "${workflowName('order')}" (${purchaseNote}):`,
		`                  ${purchaseUrl || '-'}`,
		shop.isDemo && purchaseUrl ? '                  (the demo order page: open it and press "Pay" to send the postback Verotel would send)' : '',
		'',
		'  Test postback   a correctly signed purchase postback to the local trigger (--event credit, --tamper, ...):',
		`                  ${shop.isDemo ? '' : 'FLEXPAY_SHOP_ID=... FLEXPAY_SIGNATURE_KEY=... '}${postbackCommand}`,
		'',
		`  Workflows       "${workflowName('postbacks')}"`,
		`                  "${workflowName('order')}"  (POST ${n8n.webhookUrl(EXAMPLES.order.webhookPath)})`,
		`  n8n log         ${n8n.logFile}`,
		'',
		'  Mails, CRM calls and status look-ups of the demo services appear below. Ctrl-C stops everything.',
		'='.repeat(100),
		'',
	];
	console.log(out.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n'));

	// 8. Report every execution as it finishes.
	const seen = new Set((await n8n.executions()).map((e) => e.id));
	let polling = false;
	executionPoller = setInterval(async () => {
		if (polling || stopping) return;
		polling = true;
		try {
			for (const execution of await n8n.executions()) {
				if (seen.has(execution.id) || ['new', 'running', 'waiting'].includes(execution.status)) continue;
				seen.add(execution.id);
				const name = Object.values(EXAMPLES).find((e) => e.workflowId === execution.workflowId);
				const trigger = execution.nodes[EXAMPLES.postbacks.triggerNode]?.[0];
				const lookup = trigger?.saleLookup && !trigger.saleLookup.ok ? `, sale look-up failed: ${trigger.saleLookup.reason}` : '';
				const what = trigger ? ` (${trigger.event} of sale ${trigger.saleID}${trigger.sale?.email ? `, buyer ${trigger.sale.email}` : ''}${lookup})` : '';
				const error = execution.error ? ` in "${execution.error.node ?? '?'}": ${execution.error.message ?? ''}` : '';
				console.log(`[n8n]  execution ${execution.id} of "${name ? workflowName(Object.keys(EXAMPLES).find((k) => EXAMPLES[k] === name)) : execution.workflowId}": ${execution.status}${what}${error}`);
			}
		} catch {
			// the database is busy or n8n is stopping: try again next time
		} finally {
			polling = false;
		}
	}, 2_000);
}

const workflowNames = Object.fromEntries(
	loadExamples().map((w) => [Object.keys(EXAMPLES).find((k) => EXAMPLES[k].workflowId === w.id), w.name]),
);
function workflowName(key) {
	return workflowNames[key] ?? key;
}

function brandHost(brand) {
	try {
		return require(path.join(root, 'index.js')).BRANDS[brand]?.baseUrl ?? `the ${brand} FlexPay host`;
	} catch {
		return `the ${brand} FlexPay host`;
	}
}

function printEvent(event) {
	if (event.kind === 'mail') console.log(`[mail] to ${event.to.join(', ')}: "${event.subject}"`);
	else if (event.kind === 'crm') console.log(`[crm]  ${event.method} ${event.path} ${JSON.stringify(event.body)}`);
	else if (event.kind === 'status') console.log(`[status] sale-status look-up (${new URLSearchParams(event.query).get('saleID') ? `saleID ${new URLSearchParams(event.query).get('saleID')}` : event.query.replace(/signature=[0-9a-f]+/, 'signature=…')}): ${event.response}`);
	else if (event.kind === 'order') console.log(`[order page] ${event.valid ? 'valid' : 'INVALID'} link for ${event.params.priceAmount ?? '?'} ${event.params.priceCurrency ?? ''} "${event.params.description ?? ''}"`);
	else if (event.kind === 'controlCenter') console.log(`[control center] ${event.method} ${event.path}: HTTP ${event.status}`);
	else if (event.kind === 'pay') console.log(`[order page] paid (simulated): sale ${event.saleId}, postback answered HTTP ${event.status} ${JSON.stringify(event.body)} in ${Math.round(event.ms)} ms`);
}

main().catch((error) => {
	console.error(`[start] FAILED: ${error.message}`);
	process.exit(1);
});
