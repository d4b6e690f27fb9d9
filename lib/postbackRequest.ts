/** The exact string Verotel signed, read from a postback's HTTP request (GET query or form POST). */
import { FlexPayMalformedQueryError } from './errors';
import { QUERY_LIMITS } from './query';

/** The parts of a Node/Express request this reads. */
export interface PostbackRequest {
	method?: string;
	originalUrl?: string;
	url?: string;
	headers?: Record<string, string | string[] | undefined>;
	rawBody?: Buffer | string;
	readRawBody?: () => Promise<void>;
}

export interface SignedPayload {
	/** The exact query or form string Verotel signed, without a leading `?`. */
	raw: string;
	source: 'query' | 'body';
}

/**
 * The largest form body worth reading: the longest query the protocol core
 * accepts plus a trailing CRLF. Anything larger is refused before it is
 * converted to text, so no body size can make the trigger slow.
 */
export const MAX_BODY_BYTES = QUERY_LIMITS.maxLength + 2;

const FORM_TYPES = new Set(['', 'application/x-www-form-urlencoded', 'text/plain']);

/**
 * The raw parameter string to verify. GET (Verotel's postbacks): the query
 * part of the request URL exactly as received, never n8n's parsed query
 * object (Express merges repeated keys and decodes before we could check).
 * POST: the raw form body, or the query string when the body is empty.
 * Content type and size are checked before the body is read or decoded.
 */
export async function readSignedPayload(req: PostbackRequest): Promise<SignedPayload> {
	const url =
		typeof req.originalUrl === 'string'
			? req.originalUrl
			: typeof req.url === 'string'
				? req.url
				: '';
	const mark = url.indexOf('?');
	const query = mark === -1 ? '' : bytesAsUtf8(url.slice(mark + 1), 'The query string');
	const method = (req.method ?? 'GET').toUpperCase();
	if (method !== 'POST') return { raw: query, source: 'query' };

	const contentType = headerValue(req.headers, 'content-type').split(';')[0].trim().toLowerCase();
	if (!FORM_TYPES.has(contentType)) {
		throw new FlexPayMalformedQueryError('A POST body must be application/x-www-form-urlencoded');
	}
	const declaredLength = Number(headerValue(req.headers, 'content-length') || '0');
	if (declaredLength > MAX_BODY_BYTES) throw tooLarge();

	let unreadable = false;
	if (req.rawBody === undefined && typeof req.readRawBody === 'function') {
		// n8n reads the body of parsable content types itself; others are read on demand.
		unreadable = await req.readRawBody().then(
			() => false,
			() => true,
		);
	}
	if (unreadable) throw new FlexPayMalformedQueryError('The request body could not be read');
	const body = withoutTrailingLineEnds(bodyText(req.rawBody));
	if (body === '') return { raw: query, source: 'query' };
	if (query !== '') {
		throw new FlexPayMalformedQueryError(
			'Send the parameters either in the query string or in the body, not both',
		);
	}
	return { raw: body, source: 'body' };
}

function tooLarge(): FlexPayMalformedQueryError {
	return new FlexPayMalformedQueryError(`The request body is larger than ${MAX_BODY_BYTES} bytes`);
}

function headerValue(headers: PostbackRequest['headers'], name: string): string {
	const value = headers?.[name];
	if (Array.isArray(value)) return value.join(',');
	return typeof value === 'string' ? value : '';
}

function bodyText(rawBody: Buffer | string | undefined): string {
	if (rawBody === undefined || rawBody === null) return '';
	// Without a Content-Length (chunked upload) only the length of what was read tells the size.
	if (rawBody.length > MAX_BODY_BYTES) throw tooLarge();
	if (typeof rawBody === 'string') return rawBody;
	if (!Buffer.isBuffer(rawBody))
		throw new FlexPayMalformedQueryError('The request body is not text');
	return strictUtf8(rawBody, 'The request body');
}

/** A loop, not a regex: `/[\r\n]+$/` backtracks quadratically on a body of line ends. */
function withoutTrailingLineEnds(text: string): string {
	let end = text.length;
	while (end > 0) {
		const code = text.charCodeAt(end - 1);
		if (code !== 10 && code !== 13) break;
		end--;
	}
	return end === text.length ? text : text.slice(0, end);
}

/**
 * Node's HTTP parser hands over a request target that contains raw bytes
 * above 0x7f as latin1 characters; such bytes must form valid UTF-8.
 */
function bytesAsUtf8(text: string, what: string): string {
	if (!/[\x80-\uffff]/.test(text)) return text; // ASCII only
	if (/[\u0100-\uffff]/.test(text)) return text; // above 0xff: not latin1 bytes
	return strictUtf8(Buffer.from(text, 'latin1'), what);
}

function strictUtf8(bytes: Buffer, what: string): string {
	const text = bytes.toString('utf8');
	if (!Buffer.from(text, 'utf8').equals(bytes)) {
		throw new FlexPayMalformedQueryError(`${what} is not valid UTF-8`);
	}
	return text;
}
