/** What a refused request is answered and logged with: never a 500, never request text. */
import {
	FlexPayMalformedQueryError,
	FlexPayNotASaleError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayValidationError,
	POSTBACK_PARAMS,
	SIGNED_REQUEST_PARAMS,
} from '../../lib';
import { messageOf, safeReason } from './redaction';

/** What the trigger answers and logs for a request it refuses. */
export interface Rejection {
	statusCode: 400 | 401 | 403 | 503;
	body: string;
	level: 'warn' | 'error';
	message: string;
	code: string;
}

/** The answer's body: the HTTP reason phrase (a malformed postback adds why). */
const REASON_PHRASES: Record<Rejection['statusCode'], string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	503: 'Service Unavailable',
};

/** A refusal is a warning; a 503 (our side) and a signed request that is not a sale are errors. */
function rejection(
	statusCode: Rejection['statusCode'],
	message: string,
	code: string,
	detail?: string,
	level: Rejection['level'] = statusCode === 503 ? 'error' : 'warn',
): Rejection {
	const phrase = REASON_PHRASES[statusCode];
	return {
		statusCode,
		body: detail === undefined ? phrase : `${phrase}: ${detail}`,
		level,
		message,
		code,
	};
}

/** A refusal quotes only parameter names Verotel sends: any other is the sender's own text. */
const QUOTABLE_NAMES: ReadonlySet<string> = new Set([...POSTBACK_PARAMS, ...SIGNED_REQUEST_PARAMS]);

function withoutRequestText(message: string): string {
	return message.replace(/"([^"]*)"/g, (quoted, name: string) =>
		QUOTABLE_NAMES.has(name) ? quoted : '"(a parameter)"',
	);
}

/**
 * Maps anything thrown while reading or verifying a postback to an answer. A
 * problem on our side (credential incomplete, unexpected) answers 503, so that
 * Verotel may deliver the postback again once it is fixed.
 */
export function classifyError(error: unknown, signatureKey?: string): Rejection {
	if (error instanceof FlexPayMalformedQueryError) {
		const reason = safeReason(withoutRequestText(error.message), signatureKey);
		return rejection(
			400,
			`Verotel FlexPay Trigger rejected a malformed postback (400): ${reason}`,
			error.code,
			reason,
		);
	}
	if (error instanceof FlexPaySignatureError) {
		return rejection(
			401,
			error.code === 'SIGNATURE_MISSING'
				? 'Verotel FlexPay Trigger rejected a postback without signature (401)'
				: 'Verotel FlexPay Trigger rejected a postback whose signature does not match (401): check that the credential holds this website’s signature key',
			error.code,
		);
	}
	if (error instanceof FlexPayNotASaleError) {
		// Signed with the key, so someone holds a payment link or request: worth the merchant's attention.
		return rejection(
			403,
			`Verotel FlexPay Trigger refused a signed request that is not a Verotel postback (403): ${error.message}. Nothing ran. If Verotel itself sent it, report it to the pack's maintainers`,
			error.code,
			'not a Verotel postback',
			'error',
		);
	}
	if (error instanceof FlexPayShopMismatchError) {
		return rejection(
			403,
			`Verotel FlexPay Trigger rejected a postback for shop ${safeReason(error.receivedShopID, signatureKey)} (403): the credential is for another shop`,
			error.code,
		);
	}
	if (error instanceof FlexPayValidationError) {
		return rejection(
			503,
			`Verotel FlexPay Trigger cannot verify postbacks, fix the credential: ${safeReason(error.message, signatureKey)}${
				error.hint ? `. ${safeReason(error.hint, signatureKey)}` : ''
			}. Answered 503, not OK: Verotel may send the postback again, and refunds card sales that never get OK`,
			error.code,
		);
	}
	return rejection(
		503,
		`Verotel FlexPay Trigger could not process a postback: ${safeReason(messageOf(error), signatureKey)}. Answered 503, not OK: Verotel may send the postback again`,
		'UNEXPECTED',
	);
}

/** Refusals that a corrected credential (key, shop ID, or one unusable as cached) could turn into an accept. */
export function dependsOnCredential(error: unknown): boolean {
	return (
		error instanceof FlexPayShopMismatchError ||
		error instanceof FlexPayValidationError ||
		(error instanceof FlexPaySignatureError && error.code !== 'SIGNATURE_MISSING')
	);
}
