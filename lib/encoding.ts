/**
 * PHP `urlencode` / `http_build_query` form encoding, which Verotel's official
 * clients use: only `A-Z a-z 0-9 - _ .` stay literal, space becomes `+`, all else
 * is percent-encoded UTF-8 with uppercase hex. `encodeURIComponent` already does
 * this except for `! ' ( ) * ~` and spaces, which are fixed up here. Encoding
 * never affects the signature (signed over raw values); it matters for
 * byte-for-byte equality with the official URLs.
 */
export function formEncode(value: string): string {
	return encodeURIComponent(value)
		.replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
		.replace(/%20/g, '+');
}

/** `k=v&k=v` from entries already in the wanted order. */
export function buildQueryString(entries: ReadonlyArray<readonly [string, string]>): string {
	return entries.map(([key, value]) => `${formEncode(key)}=${formEncode(value)}`).join('&');
}
