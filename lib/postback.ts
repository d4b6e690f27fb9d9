import { resolveShopAndKey, type VerificationConfig } from './config';
import { FlexPayShopMismatchError, FlexPaySignatureError } from './errors';
import { splitMap, splitRawQuery } from './query';
import { matchCheckedSignature, type FlexPayParams, type SignatureAlgorithm } from './signature';

/** Postback events: purchase events first, then subscription events. */
export const POSTBACK_EVENTS = [
	'purchase',
	'credit',
	'chargeback',
	'initial',
	'rebill',
	'extend',
	'downgrade',
	'upgrade',
	'cancel',
	'uncancel',
	'expiry',
] as const;
export type KnownPostbackEvent = (typeof POSTBACK_EVENTS)[number];
/** Known events, or an event this version does not know yet (lower-cased). */
export type PostbackEvent = KnownPostbackEvent | (string & { readonly __unknownEvent?: never });

export interface FlexPayPostback {
	event: PostbackEvent;
	/** `purchase`, `subscription` or `upgradesubscription` as sent. */
	type?: string;
	shopID: string;
	saleID?: string;
	transactionID?: string;
	referenceID?: string;
	/** The original transaction of a credit or chargeback. */
	parentID?: string;
	/** `priceAmount` (or `amount` on rebills) as a number; null when absent or unreadable. */
	amount: number | null;
	/** The amount exactly as Verotel sent it, e.g. "9.99". */
	amountString?: string;
	currency?: string;
	paymentMethod?: string;
	custom1?: string;
	custom2?: string;
	custom3?: string;
	CCBrand?: string;
	truncatedPAN?: string;
	oneClickToken?: string;
	subscriptionPhase?: string;
	subscriptionType?: string;
	nextChargeOn?: string;
	period?: string;
	precededBySaleID?: string;
	/** Stable per delivery of the same event: equal for redeliveries, different per rebill or refund. */
	idempotencyKey: string;
	signatureAlgorithm: SignatureAlgorithm;
	/** Every received parameter except `signature`, as decoded strings. */
	params: FlexPayParams;
}

export interface ParsePostbackOptions {
	/** Accept the legacy SHA-1 signature of the same string (default true, as the official clients). */
	allowSha1?: boolean;
}

const COPIED_FIELDS = [
	'type',
	'saleID',
	'transactionID',
	'referenceID',
	'parentID',
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
	'period',
	'precededBySaleID',
] as const;

/**
 * Verifies and parses a postback or success redirect. `query` is the raw query
 * string (preferred: hashing must cover exactly what Verotel sent) or a map a
 * framework already parsed. Throws `FlexPayMalformedQueryError` for unreadable
 * input, `FlexPayShopMismatchError` for another website's postback and
 * `FlexPaySignatureError` for a missing or wrong signature.
 */
export function parsePostback(
	query: string | Record<string, unknown>,
	config: VerificationConfig,
	options: ParsePostbackOptions = {},
): FlexPayPostback {
	const { shopID, signatureKey } = resolveShopAndKey(config);
	const { params, held: signature } =
		typeof query === 'string' ? splitRawQuery(query, 'signature') : splitMap(query, 'signature');
	if (signature === undefined || signature === '') {
		throw new FlexPaySignatureError(
			'SIGNATURE_MISSING',
			'The request carries no signature',
			'Only requests sent by Verotel, with their signature parameter, are accepted',
		);
	}
	// As the official clients do, a map without shopID is checked as if it had the configured one.
	if (params.shopID === undefined) params.shopID = shopID;
	if (params.shopID !== shopID) {
		throw new FlexPayShopMismatchError(
			params.shopID,
			`The postback is for shop ${params.shopID}, not for the configured shop`,
			'Use the credential of that website, or point that website’s postback URL at its own workflow',
		);
	}
	// Both parsers admit only ASCII names (KEY_PATTERN), so the sort needs no byte comparison.
	const algorithm = matchCheckedSignature(signatureKey, params, signature, options, true);
	if (algorithm === null) {
		throw new FlexPaySignatureError(
			'SIGNATURE_INVALID',
			'The signature does not match the parameters',
			'Check that the credential holds this website’s signature key, and that nothing adds parameters to the postback URL',
		);
	}
	return toPostback(params, algorithm);
}

/** A success redirect carries the same signed data as a postback and is verified the same way. */
export const parseSuccessRedirect = parsePostback;

function toPostback(params: FlexPayParams, algorithm: SignatureAlgorithm): FlexPayPostback {
	const event = normaliseEvent(params.event, params.type);
	const amountString = params.priceAmount ?? params.amount;
	const postback: FlexPayPostback = {
		event,
		shopID: params.shopID,
		amount: parseAmount(amountString),
		idempotencyKey: '',
		signatureAlgorithm: algorithm,
		params,
	};
	if (amountString !== undefined) postback.amountString = amountString;
	const currency = params.priceCurrency ?? params.currency;
	if (currency !== undefined) postback.currency = currency;
	for (const field of COPIED_FIELDS) {
		const value = params[field];
		if (value !== undefined && value !== '') postback[field] = value;
	}
	postback.idempotencyKey = idempotencyKey(postback);
	return postback;
}

/**
 * An initial purchase postback has no `event` [OFF-CODE: official WooCommerce
 * plugin]; an initial subscription postback is reported as `initial`
 * [COMM], so a subscription without `event` is taken as `initial` too.
 */
function normaliseEvent(event: string | undefined, type: string | undefined): PostbackEvent {
	if (event === undefined || event.trim() === '') {
		return type === 'subscription' || type === 'upgradesubscription' ? 'initial' : 'purchase';
	}
	return event.trim().toLowerCase();
}

function parseAmount(value: string | undefined): number | null {
	if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return null;
	return Number(value);
}

/**
 * saleID + event + transactionID: a redelivery repeats all three, while a
 * rebill, refund or chargeback of the same sale is a new transaction.
 */
function idempotencyKey(p: FlexPayPostback): string {
	return [p.shopID, p.saleID ?? '-', p.event, p.transactionID ?? p.parentID ?? '-'].join(':');
}
