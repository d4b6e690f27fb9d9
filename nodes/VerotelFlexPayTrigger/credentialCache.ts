import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * Decrypted credentials per trigger node, in this process. Under n8n 2.x's
 * default expression engine every getCredentials() resolves the credential in
 * a fresh expression isolate, which made reading it the largest cost of a
 * postback (docs/performance.md). A cached credential is only trusted to
 * accept: a postback it refuses for its signature or shop is verified again
 * with a freshly read credential, so a corrected key or shop ID takes effect
 * with the next postback. That re-read happens at most once per
 * REREAD_INTERVAL_MS, so a burst of forged postbacks cannot make every request
 * pay for it. Entries expire after CACHED_CREDENTIALS_TTL_MS, so a key replaced
 * after a leak stops being accepted within that time.
 */
interface Entry {
	credentials: ICredentialDataDecryptedObject;
	expiresAt: number;
	readAt: number;
}

const cachedCredentials = new Map<string, Entry>();
const CACHED_CREDENTIALS_MAX = 1000;
export const CACHED_CREDENTIALS_TTL_MS = 60 * 1000;
export const REREAD_INTERVAL_MS = 1000;

export function getCachedCredentials(
	scope: string,
	now: number = Date.now(),
): ICredentialDataDecryptedObject | undefined {
	const entry = cachedCredentials.get(scope);
	if (entry === undefined) return undefined;
	if (entry.expiresAt <= now) {
		cachedCredentials.delete(scope);
		return undefined;
	}
	return entry.credentials;
}

/** Whether a postback the cached credential refuses may read the credential again now. */
export function mayRereadCredentials(scope: string, now: number = Date.now()): boolean {
	const entry = cachedCredentials.get(scope);
	return entry === undefined || now - entry.readAt >= REREAD_INTERVAL_MS;
}

export function cacheCredentials(
	scope: string,
	credentials: ICredentialDataDecryptedObject,
	now: number = Date.now(),
): void {
	cachedCredentials.delete(scope);
	if (cachedCredentials.size >= CACHED_CREDENTIALS_MAX) {
		const oldest = cachedCredentials.keys().next().value;
		if (oldest !== undefined) cachedCredentials.delete(oldest);
	}
	cachedCredentials.set(scope, {
		credentials,
		expiresAt: now + CACHED_CREDENTIALS_TTL_MS,
		readAt: now,
	});
}

/** For tests: forget every cached credential. */
export function forgetCachedCredentials(): void {
	cachedCredentials.clear();
}
