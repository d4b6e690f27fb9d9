// The editor login of `npm start`: an owner account made from DEMO_OWNER_EMAIL and
// DEMO_OWNER_PASSWORD, and a check that it logs in.
import { createRequire } from 'node:module';
import path from 'node:path';

import { httpRequest } from '../n8n/http.mjs';

/** A bcrypt hash made with the bcryptjs that ships inside n8n (no extra dependency). */
function bcryptHash(install, password) {
	const requireFromN8n = createRequire(
		path.join(install.dir, 'node_modules', 'n8n', 'package.json'),
	);
	return requireFromN8n('bcryptjs').hashSync(password, 10);
}

/** The environment that makes n8n 2.x create the owner ({} for 1.x, see editorLogin). */
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

/** The login line to print: the owner's e-mail and password, with what went wrong if it does not log in. */
export async function editorLogin(n8n, install, owner, say) {
	let login = `${owner.email} / ${owner.password}`;
	if (install.major < 2) {
		// n8n 1.x has no owner-from-environment: create the owner through the set-up endpoint
		// (a fresh instance only; later starts keep the account made the first time).
		const setup = await httpRequest(`${n8n.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: owner.email,
				firstName: 'Demo',
				lastName: 'Merchant',
				password: owner.password,
			}),
		});
		if (setup.status !== 200 && !/already/i.test(setup.body))
			say(`owner set-up answered HTTP ${setup.status}: ${setup.body.slice(0, 200)}`);
	}
	const loggedIn = await httpRequest(`${n8n.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: owner.email,
			email: owner.email,
			password: owner.password,
		}),
	});
	if (loggedIn.status !== 200)
		login += `  (the login check answered HTTP ${loggedIn.status}; --fresh resets the account)`;
	return login;
}
