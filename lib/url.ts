/** The URL, or undefined when `text` is not an absolute URL (no exception to re-throw). */
export function parseAbsoluteUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}
