/** Decrypted credentials per trigger node, in this process (see below why). */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * Module state, kept because reading a credential is the largest cost of a
 * postback under n8n 2.x's default expression engine (docs/performance.md).
 * A cached credential is only trusted to accept: a refusal it could cause is
 * checked with a fresh read (at most once per REREAD_INTERVAL_MS, so forged
 * postbacks cannot make every request pay for it), and an entry expires after
 * CACHED_CREDENTIALS_TTL_MS, so a replaced key stops being accepted.
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
