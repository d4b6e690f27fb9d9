/**
 * Mutations an attacker without the key can apply to a signed query he holds
 * (a postback he saw, a success redirect in his browser, his own payment link):
 * change, add, remove, duplicate, rename, swap, regroup parameter boundaries,
 * re-encode, change key case, move or reshape the signature, add `version`,
 * truncate, break the encoding. He cannot re-sign: no mutation computes a
 * signature. Deterministic: the same mutation list always gives the same
 * query, so a fast-check seed reproduces a failure.
 */
import { compareKeys, formEncode } from '../../lib';
import { TEST_SHOP_ID } from '../fixtures/flexpay';

/** One parameter as it goes on the wire, decoded; `v: null` is a name without `=`. */
export interface Seg {
	k: string;
	v: string | null;
}

export interface Mutation {
	op: number;
	a: number;
	b: number;
	t: string;
}

/** Names worth trying: every name Verotel sends, request-only names, look-alikes, prototype keys. */
export const NAME_POOL = [
	'shopID',
	'saleID',
	'transactionID',
	'referenceID',
	'parentID',
	'precededBySaleID',
	'event',
	'type',
	'priceAmount',
	'priceCurrency',
	'amount',
	'currency',
	'paymentMethod',
	'custom1',
	'custom2',
	'custom3',
	'CCBrand',
	'truncatedPAN',
	'oneClickToken',
	'subscriptionPhase',
	'subscriptionType',
	'nextChargeOn',
	'expiresOn',
	'period',
	'signature',
	'version',
	'testPostback',
	'description',
	'successURL',
	'email',
	'Signature',
	'SIGNATURE',
	'shopId',
	'saleid',
	'EVENT',
	'Type',
	'version ',
	'a[]',
	'event[0]',
	'__proto__',
	'constructor',
	'toString',
	'hasOwnProperty',
	'x-y.z',
];

/** Values worth trying: events, amounts, IDs, boundaries, encodings. */
export const VALUE_POOL = [
	'credit',
	'chargeback',
	'purchase',
	'subscription',
	'upgrade',
	'0.01',
	'1000000.00',
	'19.99',
	'9.95',
	'USD',
	'700001',
	TEST_SHOP_ID,
	'1',
	'4',
	'',
	' ',
	'purchase:version=4',
	'a:event=credit',
	':saleID=1',
	'%',
	'%2',
	'+',
];

/** Units random text is made of: separators the query and the canonical string care about, Unicode, fragments. */
export const TEXT_UNITS = [
	'a',
	'Z',
	'0',
	'7',
	':',
	'=',
	'&',
	'%',
	'+',
	' ',
	'"',
	'.',
	'-',
	'_',
	'/',
	'?',
	'#',
	';',
	'[',
	']',
	'č',
	'€',
	'😀',
	'event',
	'saleID',
	'credit',
	'version',
	'%3A',
	'%3D',
	'%26',
	'%25',
	'%2B',
	'%20',
	'%00',
	'%C3%28',
	'%E2%82',
];

/** Decoded-level operations, then raw-level ones (applied to the encoded query). */
export const DECODED_OPS = 24;
export const RAW_OPS = 10;
export const OPS = DECODED_OPS + RAW_OPS;

function pick<T>(list: readonly T[], n: number): T {
	return list[n % list.length];
}

function nonSignature(segs: Seg[]): number[] {
	const out: number[] = [];
	segs.forEach((s, i) => {
		if (s.k !== 'signature') out.push(i);
	});
	return out;
}

/** Indexes of the non-signature parameters in canonical (byte) order of their names. */
function canonicalOrder(segs: Seg[]): number[] {
	return nonSignature(segs).sort((x, y) => compareKeys(segs[x].k, segs[y].k));
}

/**
 * Merges the parameter at canonical position `at` into the one before it:
 * `k1=v1` + `k2=v2` -> `k1=v1:k2=v2`. Over unique names this keeps the
 * canonical string, hence the signature, exactly as it was.
 */
function regroup(segs: Seg[], at: number): Seg[] {
	const order = canonicalOrder(segs);
	if (order.length < 2) return segs;
	const pos = 1 + (at % (order.length - 1));
	const prev = segs[order[pos - 1]];
	const cur = segs[order[pos]];
	const merged: Seg = { k: prev.k, v: `${prev.v ?? ''}:${cur.k}=${cur.v ?? ''}` };
	return segs.flatMap((s, i) => (i === order[pos] ? [] : i === order[pos - 1] ? [merged] : [s]));
}

/** The reverse: a value holding `:name=` split into two parameters (same canonical string). */
function split(segs: Seg[], a: number): Seg[] {
	const candidates = segs
		.map((s, i) => [s, i] as const)
		.filter(([s]) => s.v !== null && /:[A-Za-z0-9_.-]+=/.test(s.v));
	if (candidates.length === 0) return segs;
	const [seg, index] = pick(candidates, a);
	const match = /:([A-Za-z0-9_.-]+)=/.exec(seg.v!)!;
	const head: Seg = { k: seg.k, v: seg.v!.slice(0, match.index) };
	const tail: Seg = { k: match[1], v: seg.v!.slice(match.index + match[0].length) };
	return segs.flatMap((s, i) => (i === index ? [head, tail] : [s]));
}

function flipCase(text: string, how: number): string {
	switch (how % 4) {
		case 0:
			return text.toLowerCase();
		case 1:
			return text.toUpperCase();
		case 2:
			return text.charAt(0) === text.charAt(0).toUpperCase()
				? text.charAt(0).toLowerCase() + text.slice(1)
				: text.charAt(0).toUpperCase() + text.slice(1);
		default:
			return text.replace(/[a-z]/g, (c, i: number) => (i % 2 === 0 ? c.toUpperCase() : c));
	}
}

/** A deterministic shuffle (the parameter order never matters to the signature). */
function shuffle<T>(list: T[], seed: number): T[] {
	const out = [...list];
	let s = (seed * 2654435761) >>> 0;
	for (let i = out.length - 1; i > 0; i--) {
		s = (s * 1103515245 + 12345) >>> 0;
		const j = s % (i + 1);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/** Applies one decoded-level mutation. */
export function mutateDecoded(segs: Seg[], m: Mutation): Seg[] {
	const n = segs.length;
	if (n === 0) return [{ k: pick(NAME_POOL, m.a), v: m.t }];
	const i = m.a % n;
	const j = m.b % n;
	const at = (index: number, seg: Seg) => segs.map((s, x) => (x === index ? seg : s));
	const sigIndex = segs.findIndex((s) => s.k === 'signature');
	switch (m.op) {
		case 0: // change a value to random text
			return at(i, { k: segs[i].k, v: m.t });
		case 1: // change a value to a telling one (another event, amount, ID)
			return at(i, { k: segs[i].k, v: pick(VALUE_POOL, m.b) });
		case 2: // add a known name
			return [...segs, { k: pick(NAME_POOL, m.b), v: m.t === '' ? pick(VALUE_POOL, m.a) : m.t }];
		case 3: // add a random name
			return [...segs, { k: m.t === '' ? 'x' : m.t, v: pick(VALUE_POOL, m.b) }];
		case 4: // remove
			return segs.filter((_, x) => x !== i);
		case 5: // duplicate, same value
			return [...segs.slice(0, j), segs[i], ...segs.slice(j)];
		case 6: // duplicate, other value
			return [...segs, { k: segs[i].k, v: m.t }];
		case 7: // rename to a known name
			return at(i, { k: pick(NAME_POOL, m.b), v: segs[i].v });
		case 8: // key case change
			return at(i, { k: flipCase(segs[i].k, m.b), v: segs[i].v });
		case 9: // regroup one boundary
		case 10:
			return regroup(segs, m.b);
		case 11: // regroup two boundaries
			return regroup(regroup(segs, m.b), m.a);
		case 12: // split a value that holds a boundary
			return split(segs, m.b);
		case 13: // move the signature
			if (sigIndex === -1) return segs;
			return (() => {
				const rest = segs.filter((_, x) => x !== sigIndex);
				const to = m.b % (rest.length + 1);
				return [...rest.slice(0, to), segs[sigIndex], ...rest.slice(to)];
			})();
		case 14: // add version
			return [...segs, { k: 'version', v: pick(['4', '3.5', '3.2', '1', ''], m.b) }];
		case 15: // fold a made-up parameter (version, event, saleID) into a value
			return at(i, {
				k: segs[i].k,
				v: `${segs[i].v ?? ''}:${pick(['version', 'event', 'saleID', 'type', 'testPostback'], m.b)}=${m.t}`,
			});
		case 16: // swap two values
			return segs.map((s, x) =>
				x === i ? { k: s.k, v: segs[j].v } : x === j ? { k: s.k, v: segs[i].v } : s,
			);
		case 17: // the signature in another case, with whitespace (hex case and spaces do not change it)
			if (sigIndex === -1) return segs;
			return at(sigIndex, {
				k: 'signature',
				v: pick(
					[
						(v: string) => v.toUpperCase(),
						(v: string) => ` ${v}`,
						(v: string) => `${v} `,
						(v: string) => flipCase(v, 3),
					],
					m.b,
				)(segs[sigIndex].v ?? ''),
			});
		case 18: // the signature reshaped without the key: cut to SHA-1 length, one digit changed, doubled, emptied
			if (sigIndex === -1) return segs;
			return at(sigIndex, {
				k: 'signature',
				v: pick(
					[
						(v: string) => v.slice(0, 40),
						(v: string) => (v.charAt(m.a % v.length) === '0' ? '1' : '0') + v.slice(1),
						(v: string) => v + v,
						() => '',
						(v: string) => v.slice(0, 63),
					],
					m.b,
				)(segs[sigIndex].v ?? ''),
			});
		case 19: // empty value, or a name without `=`
			return at(i, { k: segs[i].k, v: m.b % 2 === 0 ? '' : null });
		case 20: // reorder everything
			return shuffle(segs, m.b);
		case 21: // pad a value with text
			return at(i, {
				k: segs[i].k,
				v: m.b % 2 === 0 ? `${segs[i].v ?? ''}${m.t}` : `${m.t}${segs[i].v ?? ''}`,
			});
		case 22: // change shopID, or drop it
			return m.b % 3 === 0
				? segs.filter((s) => s.k !== 'shopID')
				: segs.map((s) =>
						s.k === 'shopID'
							? {
									k: 'shopID',
									v: pick(
										['1', `0${TEST_SHOP_ID}`, `${TEST_SHOP_ID} `, `${TEST_SHOP_ID}0`, '123456'],
										m.a,
									),
								}
							: s,
					);
		default: // 23: rename a key to random text
			return at(i, { k: m.t === '' ? segs[i].k : m.t, v: segs[i].v });
	}
}

function bytesEncoded(text: string, lower: boolean): string {
	let out = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		const hex = byte.toString(16).padStart(2, '0');
		out += `%${lower ? hex : hex.toUpperCase()}`;
	}
	return out;
}

/** Encodings that all read back to the same text (form decoding: `+` is a space). */
export const ENCODERS: ReadonlyArray<(text: string) => string> = [
	formEncode,
	(text) => encodeURIComponent(text),
	(text) => bytesEncoded(text, false),
	(text) => bytesEncoded(text, true),
	// Only what must be escaped; non-ASCII characters raw.
	(text) =>
		text
			.replace(/[%&+=#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
			.replace(/ /g, '+'),
	(text) => formEncode(text).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
];

/** The query on the wire: each parameter encoded by the encoder its position picks. */
export function encode(segs: Seg[], encoders: number[]): string {
	return segs
		.map((s, i) => {
			const enc = ENCODERS[encoders[i % encoders.length] % ENCODERS.length];
			return s.v === null ? enc(s.k) : `${enc(s.k)}=${enc(s.v)}`;
		})
		.join('&');
}

/** Applies one raw-level mutation to the encoded query. */
export function mutateRaw(raw: string, m: Mutation): string {
	const len = raw.length;
	const pos = len === 0 ? 0 : m.a % (len + 1);
	const positions = (c: string) => [...raw.matchAll(new RegExp(c, 'g'))].map((x) => x.index!);
	/** Replaces the separator `c` at one of its positions (picked by m.b). */
	const replaceOne = (c: string, by: string) => {
		const at = positions(c);
		if (at.length === 0) return raw;
		const i = pick(at, m.b);
		return raw.slice(0, i) + by + raw.slice(i + 1);
	};
	switch (m.op - DECODED_OPS) {
		case 0: // truncate
			return raw.slice(0, pos);
		case 1: // empty segments and a leading `?` (harmless)
			return `${m.b % 2 === 0 ? '?' : ''}&${raw.replace(/&/g, m.b % 3 === 0 ? '&&' : '&')}&`;
		case 2: // double-encode one parameter's escapes
			return (() => {
				const parts = raw.split('&');
				const k = m.b % parts.length;
				parts[k] = parts[k].replace(/%/g, '%25');
				return parts.join('&');
			})();
		case 3: // a broken escape
			return raw.slice(0, pos) + pick(['%', '%G1', '%2', '%%'], m.b) + raw.slice(pos);
		case 4: // a control character or invalid UTF-8
			return (
				raw.slice(0, pos) +
				pick(['%00', '%0A', '%7F', '%C2%85', '%C3%28', '%ED%A0%80', '%F0%9F', '\u0001'], m.b) +
				raw.slice(pos)
			);
		case 5: // `;` for `&`
			return replaceOne('&', ';');
		case 6: // the `=` between name and value escaped
			return replaceOne('=', '%3D');
		case 7: // the `&` between two parameters escaped
			return replaceOne('&', '%26');
		case 8: // `+` and `%20` and `%2B` confused
			return m.b % 2 === 0 ? raw.replace(/\+/g, '%2B') : raw.replace(/%20/g, '%2B');
		default: // 9: insert random text
			return raw.slice(0, pos) + m.t + raw.slice(pos);
	}
}

/** The decoded map a framework would hand over (repeated names become arrays), for parsePostback's map input. */
export function asMap(segs: Seg[]): Record<string, unknown> {
	const entries: Array<[string, unknown]> = [];
	const seen = new Map<string, number>();
	for (const s of segs) {
		const value = s.v ?? '';
		const at = seen.get(s.k);
		if (at === undefined) {
			seen.set(s.k, entries.length);
			entries.push([s.k, value]);
		} else {
			const prev = entries[at][1];
			entries[at][1] = Array.isArray(prev) ? [...prev, value] : [prev, value];
		}
	}
	// fromEntries makes own properties, `__proto__` included.
	return Object.fromEntries(entries);
}
