// The owner account of a real n8n, for what needs a login: `npm start`'s editor login, the API
// key of the recovery template (api-key.mjs) and the suites' manual (test) runs.
//
//   env: ownerEnvironment(install, owner)                 at the start (n8n 2.x makes the owner)
//   const { headers } = await ownerSession(n8n, owner);   later: set up (1.x) and logged in
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

import { httpRequest } from './http.mjs';

/** A bcrypt hash made with the bcryptjs that ships inside n8n (no extra dependency). */
function bcryptHash(install, password) {
	const requireFromN8n = createRequire(
		path.join(install.dir, 'node_modules', 'n8n', 'package.json'),
	);
	return requireFromN8n('bcryptjs').hashSync(password, 10);
}

/** The environment that makes n8n 2.x create the owner ({} for 1.x, see ownerSession). */
export function ownerEnvironment(install, owner) {
	if (install.major < 2) return {};
	// n8n 2.x opens the editor only once an owner exists; let n8n create it from the environment.
	return {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(install, owner.password),
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
		N8N_INSTANCE_OWNER_LAST_NAME: 'Merchant',
	};
}

const json = (body, headers = {}) => ({
	headers: { 'content-type': 'application/json', ...headers },
	body: JSON.stringify(body),
});

/**
 * Logs in as the owner and returns the headers of that session. n8n 1.x has no
 * owner-from-environment: the owner is set up here first (a fresh instance only; later starts
 * keep the account made the first time). Throws, saying what n8n answered, when it fails.
 * @param {{ baseUrl: string, version: string }} n8n a started instance (startN8n())
 * @param {{ email: string, password: string }} owner
 * @returns {Promise<{ headers: Record<string, string> }>}
 */
export async function ownerSession(n8n, owner) {
	if (Number(String(n8n.version).split('.')[0]) < 2) {
		const setup = await httpRequest(`${n8n.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			...json({
				email: owner.email,
				firstName: 'Demo',
				lastName: 'Merchant',
				password: owner.password,
			}),
		});
		if (setup.status !== 200 && !/already/i.test(setup.body))
			throw new Error(
				`the owner set-up answered HTTP ${setup.status}: ${setup.body.slice(0, 200)}`,
			);
	}
	// n8n 2.x ties the login cookie to the browser that logged in: send the same id every time.
	const browserId = crypto.randomUUID();
	const login = await httpRequest(`${n8n.baseUrl}/rest/login`, {
		method: 'POST',
		...json(
			{ emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password },
			{ 'browser-id': browserId },
		),
	});
	if (login.status !== 200)
		throw new Error(`the login answered HTTP ${login.status}: ${login.body.slice(0, 200)}`);
	const cookie = [login.headers['set-cookie'] ?? []]
		.flat()
		.map((c) => c.split(';')[0])
		.join('; ');
	return { headers: { cookie, 'browser-id': browserId } };
}

/** `npm start`'s login line: the owner's e-mail and password, with what went wrong if it does not log in. */
export async function editorLogin(n8n, owner) {
	const login = `${owner.email} / ${owner.password}`;
	try {
		await ownerSession(n8n, owner);
		return login;
	} catch (error) {
		return `${login}  (${error.message}; --fresh resets the account)`;
	}
}
