/** Text from errors or remote services made safe for logs, items and answers: no key, printable, short. */
import { excerpt, POSTBACK_PARAMS, SIGNED_REQUEST_PARAMS } from '../../lib';

/** Parameter names Verotel sends: a refusal may quote these, any other quoted name is the sender's own text. */
const QUOTABLE_NAMES: ReadonlySet<string> = new Set([...POSTBACK_PARAMS, ...SIGNED_REQUEST_PARAMS]);

/** A refusal's message with every quoted name Verotel never sends replaced, so it echoes no request text. */
export function withoutRequestText(message: string): string {
	return message.replace(/"([^"]*)"/g, (quoted, name: string) =>
		QUOTABLE_NAMES.has(name) ? quoted : '"(a parameter)"',
	);
}

export function safeReason(text: string, signatureKey?: string, maxLength = 200): string {
	let out = String(text);
	const key = (signatureKey ?? '').trim();
	if (key.length >= 4) out = out.split(key).join('[redacted]');
	out = out
		.replace(/(signature=)[^&\s"']*/gi, '$1[redacted]')
		.replace(/[0-9a-f]{32,}/gi, '[redacted]');
	return excerpt(out, maxLength);
}

/** What went wrong, safe to log or put into an item (see safeReason). */
export function safeErrorReason(error: unknown, signatureKey?: string): string {
	return safeReason(error instanceof Error ? error.message : String(error), signatureKey);
}

/** An error's message; a thrown string as is. */
export function messageOf(error: unknown): string {
	if (error instanceof Error) return error.message;
	return typeof error === 'string' ? error : 'unknown error';
}
