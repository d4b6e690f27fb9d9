/** What a refused request is answered and logged with: never a 500, never request text. */
import {
	FlexPayMalformedQueryError,
	FlexPayNotASaleError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayValidationError,
} from '../../lib';
import { messageOf, safeReason, withoutRequestText } from '../shared/redaction';

/** What the trigger answers and logs for a request it refuses. */
export interface Rejection {
	statusCode: 400 | 401 | 403 | 503;
	/** The HTTP reason phrase; a malformed postback adds why. */
	body: string;
	/** A refusal is a warning; a 503 (our side) and a signed request that is not a sale are errors. */
	level: 'warn' | 'error';
	message: string;
	code: string;
}

const REASON_PHRASES = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	503: 'Service Unavailable',
} as const;

const NOT_OK =
	'Answered 503, not OK: Verotel may send the postback again, and refunds card sales that never get OK';

/**
 * Maps anything thrown while reading or verifying a postback to an answer. A
 * problem on our side (credential incomplete, unexpected) answers 503, so that
 * Verotel may deliver the postback again once it is fixed.
 */
export function classifyError(error: unknown, signatureKey?: string): Rejection {
	const safe = (text: string) => safeReason(text, signatureKey);
	const refuse = (
		statusCode: Rejection['statusCode'],
		message: string,
		detail?: string,
		level: Rejection['level'] = statusCode === 503 ? 'error' : 'warn',
	): Rejection => ({
		statusCode,
		body: `${REASON_PHRASES[statusCode]}${detail === undefined ? '' : `: ${detail}`}`,
		level,
		message: `Verotel FlexPay Trigger ${message}`,
		code: (error as { code?: string } | undefined)?.code ?? 'UNEXPECTED',
	});

	if (error instanceof FlexPayMalformedQueryError) {
		const reason = safe(withoutRequestText(error.message));
		return refuse(400, `rejected a malformed postback (400): ${reason}`, reason);
	}
	if (error instanceof FlexPaySignatureError) {
		return refuse(
			401,
			error.code === 'SIGNATURE_MISSING'
				? 'rejected a postback without signature (401)'
				: 'rejected a postback whose signature does not match (401): check that the credential holds this website’s signature key',
		);
	}
	if (error instanceof FlexPayNotASaleError) {
		// Signed with the key, so someone holds a payment link or request: worth the merchant's attention.
		return refuse(
			403,
			`refused a signed request that is not a Verotel postback (403): ${error.message}. Nothing ran. If Verotel itself sent it, report it to the pack's maintainers`,
			'not a Verotel postback',
			'error',
		);
	}
	if (error instanceof FlexPayShopMismatchError) {
		return refuse(
			403,
			`rejected a postback for shop ${safe(error.receivedShopID)} (403): the credential is for another shop`,
		);
	}
	if (error instanceof FlexPayValidationError) {
		const hint = error.hint ? `. ${safe(error.hint)}` : '';
		return refuse(
			503,
			`cannot verify postbacks, fix the credential: ${safe(error.message)}${hint}. ${NOT_OK}`,
		);
	}
	return {
		...refuse(
			503,
			`could not process a postback: ${safe(messageOf(error))}. Answered 503, not OK: Verotel may send the postback again`,
		),
		code: 'UNEXPECTED',
	};
}

/** Refusals that a corrected credential (key, shop ID, or one unusable as cached) could turn into an accept. */
export function dependsOnCredential(error: unknown): boolean {
	return (
		error instanceof FlexPayShopMismatchError ||
		error instanceof FlexPayValidationError ||
		(error instanceof FlexPaySignatureError && error.code !== 'SIGNATURE_MISSING')
	);
}
