// The Control Center password in every form an answer may show it, masked in Verotel's text.

/**
 * The forms in which the Control Center password can come back in an answer:
 * as typed; URL-encoded as JavaScript (encodeURIComponent), HTML forms and
 * URLSearchParams, PHP (urlencode) and RFC 3986 (rawurlencode) encode it, with
 * `%20` or `+` for a space; and in Base64, standard and URL-safe, alone and as
 * the Basic token (`user:password`), with and without the `=` padding (so a
 * token shown without it is found, and shown with it is masked whole). Empty
 * when there is no password.
 */
export function credentialForms(username: string, password: string): string[] {
	if (password === '') return [];
	const padded = [`${username}:${password}`, password].map((text) =>
		Buffer.from(text, 'utf8').toString('base64'),
	);
	const tokens = [...padded, ...padded.map((token) => token.replace(/=+$/, ''))];
	return [
		password,
		percentEncoded(password, "-_.!~*'()", '%20'),
		percentEncoded(password, "-_.!~*'()", '+'),
		percentEncoded(password, '*-._', '+'),
		percentEncoded(password, '-_.', '+'),
		percentEncoded(password, '-_.~', '%20'),
		...tokens,
		...tokens.map((token) => token.split('+').join('-').split('/').join('_')),
	];
}

/** UTF-8 percent-encoding: ASCII letters, digits and `keep` stay, a space becomes `space`, every other byte `%XX`. */
function percentEncoded(text: string, keep: string, space: string): string {
	let encoded = '';
	for (const byte of Buffer.from(text, 'utf8')) {
		const char = String.fromCharCode(byte);
		if (byte === 0x20) encoded += space;
		else if (/^[A-Za-z0-9]$/.test(char) || (byte < 0x80 && keep.includes(char))) encoded += char;
		else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return encoded;
}

/** One credential form, ready for a linear search (Knuth-Morris-Pratt): its compared characters and their borders. */
interface MaskPattern {
	codes: number[];
	/** borders[i]: length of the longest proper prefix of codes[0..i] that is also its suffix. */
	borders: number[];
}

/** The credential forms to mask; made by credentialMask. */
export type CredentialMask = readonly MaskPattern[];

/** The credential forms of a login, prepared for maskCredentials. */
export function credentialMask(username: string, password: string): CredentialMask {
	const patterns = new Map<string, MaskPattern>();
	for (const form of credentialForms(username, password)) {
		const codes = comparedCodes(form);
		const key = codes.join(',');
		if (codes.length === 0 || patterns.has(key)) continue;
		const borders = [0];
		for (let i = 1, k = 0; i < codes.length; i++) {
			while (k > 0 && codes[i] !== codes[k]) k = borders[k - 1];
			if (codes[i] === codes[k]) k++;
			borders.push(k);
		}
		patterns.set(key, { codes, borders });
	}
	return [...patterns.values()];
}

/**
 * Characters a reader does not see, or that would break a one-line message:
 * controls (C0, DEL, C1), soft hyphen, zero-width and direction marks, line and
 * paragraph separators, BOM. An error shows each as `?`.
 */
function isHidden(code: number): boolean {
	return (
		code < 0x20 ||
		(code >= 0x7f && code <= 0x9f) ||
		code === 0xad ||
		code === 0x61c ||
		code === 0x180e ||
		(code >= 0x200b && code <= 0x200f) ||
		(code >= 0x2028 && code <= 0x202e) ||
		(code >= 0x2060 && code <= 0x206f) ||
		code === 0xfeff ||
		(code >= 0xfff9 && code <= 0xfffb)
	);
}

function isSpace(code: number): boolean {
	return (
		code === 0x20 ||
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000
	);
}

/**
 * Hidden characters and spaces never count when a credential is looked for, and
 * letters count without their case: a password that an answer splits
 * with a line break or a space, wraps (Base64 cut into lines), or writes with
 * `%2f` instead of `%2F` is still found. Masking a look-alike too is harmless.
 */
function isSkipped(code: number): boolean {
	return isHidden(code) || isSpace(code);
}

/** A character without its case; one UTF-16 unit stays one, so positions keep matching the text. */
function folded(code: number): number {
	if (code < 0x80) return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
	const lower = String.fromCharCode(code).toLowerCase();
	return lower.length === 1 ? lower.charCodeAt(0) : code;
}

function comparedCodes(text: string): number[] {
	const codes: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (!isSkipped(code)) codes.push(folded(code));
	}
	return codes;
}

/**
 * How far past the shown part maskCredentials reads to see whether a
 * credential form that starts in it completes. Beyond that, the form is masked
 * from its start anyway: a password's beginning followed by thousands of
 * hidden characters is no text worth showing, and reading on would cost time.
 */
const MASK_LOOKAHEAD = 4096;

/**
 * The first `shown` characters of `text` with every credential form replaced
 * by `***` (see isSkipped for what matches). A form that starts within them is
 * masked even when it ends further on, so cutting a text never leaves the start
 * of a password visible. Linear in what it reads, which is at most `shown` +
 * MASK_LOOKAHEAD characters: each is compared once per form, and the KMP
 * borders never step back in the text.
 */
export function maskCredentials(text: string, mask: CredentialMask, shown = text.length): string {
	const end = Math.max(0, Math.min(shown, text.length));
	if (mask.length === 0) return text.slice(0, end);
	const limit = Math.min(text.length, end + MASK_LOOKAHEAD);
	const matched = mask.map(() => 0);
	// Where in `text` each compared character stands.
	const origin: number[] = [];
	// +1 where a masked run starts, -1 after it ends (runs may overlap).
	const cover = new Int32Array(end + 1);
	// Start of the earliest form begun in the shown part and not yet complete; -1 when there is none.
	let pendingStart = -1;
	let i = 0;
	for (; i < limit && (i < end || pendingStart >= 0); i++) {
		const code = text.charCodeAt(i);
		if (isSkipped(code)) continue;
		const char = folded(code);
		origin.push(i);
		const at = origin.length - 1;
		pendingStart = -1;
		for (let p = 0; p < mask.length; p++) {
			const { codes, borders } = mask[p];
			let k = matched[p];
			while (k > 0 && codes[k] !== char) k = borders[k - 1];
			if (codes[k] === char) k++;
			if (k === codes.length) {
				const first = origin[at - k + 1];
				if (first < end) {
					cover[first]++;
					cover[Math.min(i + 1, end)]--;
				}
				k = borders[k - 1];
			}
			matched[p] = k;
			const start = k > 0 ? origin[at - k + 1] : end;
			if (start < end && (pendingStart < 0 || start < pendingStart)) pendingStart = start;
		}
	}
	if (pendingStart >= 0 && i < text.length) {
		cover[pendingStart]++;
		cover[end]--;
	}
	let masked = '';
	let depth = 0;
	let runStart = 0;
	for (let j = 0; j < end; j++) {
		const wasMasked = depth > 0;
		depth += cover[j];
		if (depth > 0 && !wasMasked) {
			masked += `${text.slice(runStart, j)}***`;
		} else if (depth === 0 && wasMasked) {
			runStart = j;
		}
	}
	return depth > 0 ? masked : masked + text.slice(runStart, end);
}

/** Each hidden character (isHidden) as `?`, so Verotel's text can neither break nor forge a line. */
export function showHidden(text: string): string {
	let shown = '';
	let runStart = 0;
	for (let i = 0; i < text.length; i++) {
		if (!isHidden(text.charCodeAt(i))) continue;
		shown += `${text.slice(runStart, i)}?`;
		runStart = i + 1;
	}
	return shown + text.slice(runStart);
}
