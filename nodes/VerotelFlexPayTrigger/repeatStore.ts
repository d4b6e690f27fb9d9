import { sleep, type IDataObject } from 'n8n-workflow';

import type { FlexPayPostback } from '../../lib';

/**
 * "Ignore Repeated Postbacks": a repeat is a postback whose idempotencyKey
 * equals the last key accepted in its idempotencyScope (lib/postback.ts). So
 * a redelivery of a sale's latest event is a repeat, a purchase runs at most
 * once per sale, and cancel -> uncancel -> cancel runs three times.
 *
 * Two places hold what was accepted:
 * - the node's static data, which n8n stores with the workflow. n8n 2.x writes
 *   it after it has stored the execution and before it sends the OK, so a key
 *   found there belongs to a postback whose execution exists;
 * - deliveries in flight in this process (their OK not sent yet), so a repeat
 *   that arrives meanwhile waits for the first delivery's answer instead of
 *   being answered OK for a sale that a crash could still lose.
 */

/** Field of the node's static data: idempotencyScope -> last accepted idempotencyKey. */
export const REPEAT_STORE_FIELD = 'lastPostbackKeys';

/** Field used by 0.1.x (a list of keys in the old format); dropped on the first write. */
const LEGACY_FIELD = 'processedPostbackKeys';

/** How many scopes (sales) the store remembers, least recently accepted dropped first. */
export const MAX_REMEMBERED_SCOPES = 1000;

/** How long a repeat waits for the first delivery's answer before it runs itself. */
export const IN_FLIGHT_WAIT_MS = 30_000;

type RepeatStore = Record<string, string>;

function readStore(staticData: IDataObject): RepeatStore {
	const stored = staticData[REPEAT_STORE_FIELD];
	if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return {};
	return stored as RepeatStore;
}

/** Whether this postback's key is the last one accepted in its scope. */
export function isStoredRepeat(
	staticData: IDataObject,
	postback: Pick<FlexPayPostback, 'idempotencyKey' | 'idempotencyScope'>,
): boolean {
	const store = readStore(staticData);
	return (
		Object.prototype.hasOwnProperty.call(store, postback.idempotencyScope) &&
		store[postback.idempotencyScope] === postback.idempotencyKey
	);
}

/**
 * Records the postback as the last accepted one of its scope. The store is
 * replaced, never mutated, so n8n notices the change and saves it.
 */
export function rememberPostback(
	staticData: IDataObject,
	postback: Pick<FlexPayPostback, 'idempotencyKey' | 'idempotencyScope'>,
	maxScopes = MAX_REMEMBERED_SCOPES,
): void {
	const store: RepeatStore = {};
	const entries = Object.entries(readStore(staticData)).filter(
		([scope, key]) => scope !== postback.idempotencyScope && typeof key === 'string',
	);
	for (const [scope, key] of entries.slice(Math.max(0, entries.length - maxScopes + 1)))
		store[scope] = key;
	store[postback.idempotencyScope] = postback.idempotencyKey;
	staticData[REPEAT_STORE_FIELD] = store;
	if (LEGACY_FIELD in staticData) delete staticData[LEGACY_FIELD];
}

/** The part of the Express response that tells when and how a delivery was answered. */
export interface AnsweredResponse {
	statusCode?: number;
	writableFinished?: boolean;
	once?(event: 'close', listener: () => void): unknown;
}

interface InFlight {
	key: string;
	/** True once the delivery was answered 200 (its execution is stored), false otherwise. */
	answered: Promise<boolean>;
	/** Set once answered OK: the entry is kept until then for repeats whose static data was read earlier. */
	expiresAt?: number;
}

/**
 * A delivery answered OK stays here this long: a repeat that read the
 * workflow's static data just before that answer saved the key still finds it.
 */
export const ANSWERED_MEMORY_MS = 60_000;
const IN_FLIGHT_MAX = 10_000;

const inFlight = new Map<string, InFlight>();

function inFlightId(triggerScope: string, idempotencyScope: string): string {
	return `${triggerScope}\n${idempotencyScope}`;
}

/** Drops answered entries that expired, and the oldest ones when the map is full. */
function prune(now: number): void {
	for (const [id, entry] of inFlight) {
		const expired = entry.expiresAt !== undefined && entry.expiresAt <= now;
		if (!expired && inFlight.size < IN_FLIGHT_MAX) break;
		inFlight.delete(id);
	}
}

/** Marks a delivery as in flight until its response is closed. */
export function trackDelivery(
	triggerScope: string,
	postback: Pick<FlexPayPostback, 'idempotencyKey' | 'idempotencyScope'>,
	res: AnsweredResponse,
	now: () => number = Date.now,
): void {
	if (typeof res.once !== 'function') return;
	prune(now());
	const id = inFlightId(triggerScope, postback.idempotencyScope);
	let settle: (answered: boolean) => void = () => undefined;
	const entry: InFlight = {
		key: postback.idempotencyKey,
		answered: new Promise<boolean>((resolve) => (settle = resolve)),
	};
	inFlight.delete(id);
	inFlight.set(id, entry);
	res.once('close', () => {
		const answered = res.writableFinished === true && res.statusCode === 200;
		if (answered) entry.expiresAt = now() + ANSWERED_MEMORY_MS;
		else if (inFlight.get(id) === entry) inFlight.delete(id);
		settle(answered);
	});
}

/**
 * For a postback whose key is in flight in this process: waits until that
 * delivery is answered. True when it was answered OK (so this one is a repeat
 * of a stored execution); false when nothing is in flight, the first delivery
 * failed, or it took longer than `waitMs` (then this one runs itself).
 */
export async function earlierDeliveryAnswered(
	triggerScope: string,
	postback: Pick<FlexPayPostback, 'idempotencyKey' | 'idempotencyScope'>,
	waitMs = IN_FLIGHT_WAIT_MS,
): Promise<boolean> {
	const entry = inFlight.get(inFlightId(triggerScope, postback.idempotencyScope));
	if (entry === undefined || entry.key !== postback.idempotencyKey) return false;
	if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return false;
	// `sleep` is the timer every n8n line exports (2.41's n8n-workflow has no sleepWithAbort);
	// it outlives an early answer by at most waitMs and holds nothing.
	return await Promise.race([entry.answered, sleep(waitMs).then(() => false)]);
}

/** For tests: forget every delivery in flight. */
export function forgetDeliveriesInFlight(): void {
	inFlight.clear();
}
