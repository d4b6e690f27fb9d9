// A real browser for the editor suite: Debian's Chromium driven by playwright-core, which never
// downloads a browser of its own. One home for where Chromium is looked for, how it is launched
// and the n8n owner account the browser signs in with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

/** Where Chromium is looked for: CHROMIUM_PATH first, then Debian's and Ubuntu's binaries. */
export const CHROMIUM_CANDIDATES = Object.freeze(
	[process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean),
);

/** What to do when no Chromium is found (the one line `npm test` prints). */
export const CHROMIUM_HINT =
	"install Debian's chromium (apt-get install -y chromium; .ci/run does it) or set CHROMIUM_PATH";

/** The Chromium to drive, or undefined when this machine has none. */
export function findChromium() {
	return CHROMIUM_CANDIDATES.find((candidate) => {
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

/**
 * Chromium, headless, in a fresh profile, able to reach `origin` only: the editor asks the npm
 * registry and n8n's own services for things a test must not depend on.
 * @returns {Promise<{ page: import('playwright-core').Page, close(): Promise<void> }>}
 */
export async function openBrowser({
	executablePath,
	origin,
	viewport = { width: 1440, height: 900 },
}) {
	const { chromium } = await import('playwright-core');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'flexpay-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		viewport,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	await context.route('**/*', (route) =>
		new URL(route.request().url()).origin === origin ? route.continue() : route.abort(),
	);
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		page,
		async close() {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

/**
 * The owner account n8n 2.x creates from its environment (no set-up screen): the env to start
 * n8n with and the e-mail and password to sign in with. The bcrypt hash is made with the bcryptjs
 * that ships inside the n8n install, so no extra package is needed.
 * @param {{ dir: string }} n8nInstall what ensureN8n() returned
 */
export function ownerAccount(n8nInstall) {
	const email = 'owner@flexpay-editor.test';
	const password = 'Editor-Owner-Passw0rd';
	const bcrypt = createRequire(path.join(n8nInstall.dir, 'package.json'))('bcryptjs');
	return {
		email,
		password,
		env: {
			N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
			N8N_INSTANCE_OWNER_EMAIL: email,
			N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(password, 10),
		},
	};
}
