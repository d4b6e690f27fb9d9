import { parseAmount } from './amount';
import { resolveShopAndKey, type VerificationConfig } from './config';
import {
	FlexPayMalformedQueryError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
} from './errors';
import { idempotencyKeyOf } from './idempotency';
import { hasParameterBoundary, splitMap, splitRawQuery } from './query';
import { checkSaleMessage, isTestPostback, signedRequestError } from './saleMessage';
import {
	matchSignature,
	pickSignedRequestParams,
	type FlexPayParams,
	type SignatureAlgorithm,
} from './signature';
import { isVerotelId, nonEmpty, VEROTEL_ID_MAX_DIGITS } from './validation';

/** What a postback script answers once it has the postback; Verotel counts any other answer as not delivered. */
export const POSTBACK_OK = 'OK';

/** Subscription events: postbacks about a subscription sale. */
export const SUBSCRIPTION_EVENTS = [
	'initial',
	'rebill',
	'extend',
	'downgrade',
	'upgrade',
	'cancel',
	'uncancel',
	'expiry',
] as const;

/** Postback events: purchase events first, then subscription events. */
export const POSTBACK_EVENTS = [
	'purchase',
	'credit',
	'chargeback',
	...SUBSCRIPTION_EVENTS,
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
	/**
	 * When the sale's access ends, e.g. a one-time subscription [COMM: a signed
	 * community initial-postback fixture and the community list of FlexPay
	 * parameters; not in official sources]. As sent, unchecked.
	 */
	expiresOn?: string;
	period?: string;
	precededBySaleID?: string;
	/**
	 * Names this delivery for repeat detection. Sale-opening events (`purchase`,
	 * `initial`, `upgrade`) with a saleID: `shopID:saleID:event`, so a sale opens
	 * at most once, and its redelivered postback and replayed success redirect
	 * share the key whatever else they carry. Every other postback:
	 * `shopID:saleID:event:fingerprint` (`-` without saleID), the fingerprint being
	 * the first 20 hex digits of the SHA-256 of the received parameters in
	 * canonical form without key and signature (`k1=v1:k2=v2…`): a byte-identical
	 * redelivery has the same key, the same event with other data a new one.
	 */
	idempotencyKey: string;
	signatureAlgorithm: SignatureAlgorithm;
	/** Present (true) only for a sample made with the merchant's key by Send Test Postback or the simulator (TEST_POSTBACK_MARKER). */
	test?: true;
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
	'expiresOn',
	'period',
	'precededBySaleID',
] as const;

/** Every parameter name Verotel's postbacks and success redirects are known to carry. */
export const POSTBACK_PARAMS: readonly string[] = [
	...COPIED_FIELDS,
	'shopID',
	'event',
	'priceAmount',
	'priceCurrency',
	'amount',
	'currency',
	'signature',
];

/**
 * Verifies and parses a postback or success redirect. `query` is the raw query
 * string (preferred: hashing must cover exactly what Verotel sent) or a map a
 * framework already parsed. In this order, so that a request without the key
 * learns nothing but "malformed" or "unsigned":
 * - `FlexPayMalformedQueryError` for unreadable input (also: no shopID, an ID
 *   that is not digits, a value containing `:name=`);
 * - `FlexPaySignatureError` for a missing or wrong signature;
 * - `FlexPayShopMismatchError` for another website's postback;
 * - `FlexPayNotASaleError` for a signed set that is not shaped like Verotel's
 *   messages (a payment link, cancel link or status request; saleMessage.ts).
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
	checkReceivedParams(params);
	const algorithm = matchSignature(signatureKey, params, signature, options);
	if (algorithm === null) {
		// A payment link as the buyer got it (email, oneClickToken unsigned beside its signed part):
		// name it for what it is, so the merchant gets the alert instead of a "wrong key" warning.
		if (
			params.version !== undefined &&
			matchSignature(signatureKey, pickSignedRequestParams(params), signature, options) !== null
		) {
			throw signedRequestError();
		}
		throw new FlexPaySignatureError(
			'SIGNATURE_INVALID',
			'The signature does not match the parameters',
			'Check that the credential holds this website’s signature key, and that nothing adds parameters to the postback URL',
		);
	}
	if (params.shopID !== shopID) {
		throw new FlexPayShopMismatchError(
			params.shopID,
			`The postback is for shop ${params.shopID}, not for the configured shop`,
			'Use the credential of that website, or point that website’s postback URL at its own workflow',
		);
	}
	checkSaleMessage(params);
	return toPostback(params, algorithm);
}

/** A success redirect carries the same signed data as a postback and is verified the same way. */
export const parseSuccessRedirect = parsePostback;

const ID_FIELDS = ['shopID', 'saleID', 'transactionID', 'parentID', 'precededBySaleID'] as const;

/**
 * Checks what a signature cannot: the canonical string has no escaping, so a
 * signed set can be regrouped into another one (`custom1=a` + `event=credit`
 * into `custom1=a:event=credit`, hiding the event, or a shopID folded into the
 * value before it). Values that would have to carry such a boundary are refused,
 * shopID must be there rather than assumed, and IDs must be plain digits.
 */
function checkReceivedParams(params: FlexPayParams): void {
	if (params.shopID === undefined || params.shopID === '') {
		throw new FlexPayMalformedQueryError(
			'The request carries no shopID',
			'shopID',
			'Verotel’s postbacks and success redirects always carry shopID; pass every parameter as received',
		);
	}
	for (const field of ID_FIELDS) {
		const value = params[field];
		if (value !== undefined && value !== '' && !isVerotelId(value)) {
			throw new FlexPayMalformedQueryError(
				`Parameter "${field}" is not a Verotel ID`,
				field,
				`${field} must be digits only (at most ${VEROTEL_ID_MAX_DIGITS}), as Verotel sends it`,
			);
		}
	}
	for (const key of Object.keys(params)) {
		if (hasParameterBoundary(params[key])) {
			throw new FlexPayMalformedQueryError(
				`Parameter "${key}" contains \`:name=\` (a colon, a name and an equals sign), which its signature cannot tell from a separate parameter`,
				key,
				'Such a value is refused because it could hide or forge a parameter; do not put ":name=" into custom1-3 or referenceID of your payment links',
			);
		}
	}
}

function toPostback(params: FlexPayParams, algorithm: SignatureAlgorithm): FlexPayPostback {
	const event = normaliseEvent(params.event, params.type);
	const amountString = nonEmpty(params.priceAmount) ?? nonEmpty(params.amount);
	const postback: FlexPayPostback = {
		event,
		shopID: params.shopID,
		amount: parseAmount(amountString),
		idempotencyKey: '',
		signatureAlgorithm: algorithm,
		params,
	};
	if (amountString !== undefined) postback.amountString = amountString;
	if (isTestPostback(params)) postback.test = true;
	const currency = nonEmpty(params.priceCurrency) ?? nonEmpty(params.currency);
	if (currency !== undefined) postback.currency = currency;
	for (const field of COPIED_FIELDS) {
		const value = nonEmpty(params[field]);
		if (value !== undefined) postback[field] = value;
	}
	postback.idempotencyKey = idempotencyKeyOf(postback);
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
