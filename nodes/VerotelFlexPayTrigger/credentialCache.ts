/** Decrypted credentials per trigger node, in this process, so that a postback need not read and decrypt its own (docs/performance.md). */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * A cached credential is only trusted to accept: a refusal it could cause is
 * checked with a fresh read (at most once per REREAD_INTERVAL_MS, so forged
 * postbacks cannot make every request pay for it), and an entry expires after
 * CACHED_CREDENTIALS_TTL_MS, so a replaced key stops being accepted.
 */
export const CACHED_CREDENTIALS_TTL_MS = 60_000;
export const REREAD_INTERVAL_MS = 1_000;
const MAX_CACHED = 1_000;

const cache = new Map<string, { credentials: ICredentialDataDecryptedObject; readAt: number }>();

export function getCachedCredentials(
	scope: string,
	now: number = Date.now(),
): ICredentialDataDecryptedObject | undefined {
	const entry = cache.get(scope);
	if (entry !== undefined && now - entry.readAt < CACHED_CREDENTIALS_TTL_MS)
		return entry.credentials;
	cache.delete(scope); // a decrypted key does not outlive its minute
	return undefined;
}

/** Whether a postback the cached credential refuses may read the credential again now. */
export function mayRereadCredentials(scope: string, now: number = Date.now()): boolean {
	const entry = cache.get(scope);
	return entry === undefined || now - entry.readAt >= REREAD_INTERVAL_MS;
}

export function cacheCredentials(
	scope: string,
	credentials: ICredentialDataDecryptedObject,
	now: number = Date.now(),
): void {
	cache.delete(scope);
	const oldest = cache.size >= MAX_CACHED ? cache.keys().next().value : undefined;
	if (oldest !== undefined) cache.delete(oldest);
	cache.set(scope, { credentials, readAt: now });
}

/** For tests: forget every cached credential. */
export function forgetCachedCredentials(): void {
	cache.clear();
}
