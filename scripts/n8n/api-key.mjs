// An API key for n8n's public API (/api/v1), made the way a user makes one in Settings → n8n API:
// as the owner, logged in. n8n keeps only keys it issued itself, so a key exists only once n8n
// runs; `npm start` and the recovery suite make one after the start and import it into the n8n API
// credential of the examples (n8n reads credentials at each run, so no restart is needed).
//
//   const apiKey = await createApiKey(n8n, { email, password });   // 1.x: also sets the owner up
//
// On n8n 2.x the owner must exist before the start (ownerEnvironment() of owner.mjs,
// N8N_INSTANCE_OWNER_*); on 1.x ownerSession sets it up on a fresh instance.
import { httpRequest } from './http.mjs';
import { ownerSession } from './owner.mjs';

/** What the key may do (n8n enforces key scopes only where licensed; without, the owner's rights). */
const WANTED_SCOPES = ['execution:list', 'execution:read', 'execution:retry', 'workflow:read'];

/**
 * Log in as the owner (ownerSession) and create an API key (never expires, label `label`),
 * deleting the owner's earlier keys of that label.
 * @param {{ baseUrl: string, line?: string, version: string }} n8n a started instance (startN8n())
 * @param {{ email: string, password: string }} owner
 * @returns {Promise<string>} the key; the caller must not print it
 */
export async function createApiKey(n8n, owner, { label = 'FlexPay recovery' } = {}) {
	const { headers } = await ownerSession(n8n, owner);

	// One key per label: a later start replaces the key an earlier one made (Settings → n8n API
	// would otherwise list one more key per `npm start`). 1.x answers a list, 2.x { items }.
	const listed = await httpRequest(`${n8n.baseUrl}/rest/api-keys`, { headers });
	const data = listed.status === 200 ? JSON.parse(listed.body).data : [];
	for (const old of (Array.isArray(data) ? data : (data?.items ?? [])).filter(
		(k) => k.label === label,
	)) {
		await httpRequest(`${n8n.baseUrl}/rest/api-keys/${encodeURIComponent(old.id)}`, {
			method: 'DELETE',
			headers,
		});
	}

	const offered = await httpRequest(`${n8n.baseUrl}/rest/api-keys/scopes`, { headers });
	const available = offered.status === 200 ? (JSON.parse(offered.body).data ?? []) : [];
	const scopes = WANTED_SCOPES.filter((scope) => available.includes(scope));
	const created = await httpRequest(`${n8n.baseUrl}/rest/api-keys`, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: JSON.stringify({ label, scopes, expiresAt: null }),
	});
	if (created.status !== 200)
		throw new Error(
			`n8n answered HTTP ${created.status} to the API key request: ${created.body.slice(0, 200)}`,
		);
	const { rawApiKey } = JSON.parse(created.body).data ?? {};
	if (!rawApiKey) throw new Error('n8n created an API key but did not return it');
	return rawApiKey;
}
