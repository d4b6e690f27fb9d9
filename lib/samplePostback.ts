import * as crypto from 'crypto';

import { formatAmount } from './amount';
import { resolveShopAndKey, type VerificationConfig } from './config';
import { buildQueryString } from './encoding';
import { excerpt, FlexPayValidationError } from './errors';
import { POSTBACK_EVENTS, SUBSCRIPTION_EVENTS, type PostbackEvent } from './postback';
import { TEST_BUYER_EMAIL_PARAM, TEST_POSTBACK_MARKER } from './saleMessage';
import { saleStatusOf, type SaleStatus } from './salestatus';
import { computeSignature, type FlexPayParams, type SignatureAlgorithm } from './signature';
import {
	checkNoParameterBoundary,
	checkText,
	formatCurrency,
	optionalIdText,
	isEmpty,
	isVerotelId,
	nonEmpty,
	VEROTEL_ID_MAX_DIGITS,
	type ParamValue,
} from './validation';

/** Events whose sample postbacks are about a subscription (`type=subscription`). */
const SUBSCRIPTION_EVENT_SET: ReadonlySet<string> = new Set(SUBSCRIPTION_EVENTS);

/** Events that refer back to an earlier transaction (`parentID`). */
const PARENT_EVENTS: ReadonlySet<string> = new Set(['credit', 'chargeback']);

/** An event name this version does not know yet: lower case, no separators the signature could confuse. */
const EVENT_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export const SAMPLE_POSTBACK_DEFAULTS = { amount: '9.99', currency: 'EUR' } as const;

export interface SamplePostbackInput {
	/** One of POSTBACK_EVENTS (default `purchase`); another lower-case name is sent like a purchase event. */
	event?: PostbackEvent | string;
	/** Verotel's sale ID; default: a random 7-digit one. */
	saleID?: ParamValue;
	/** Default: a random 8-digit one. */
	transactionID?: ParamValue;
	/** Only for credit and chargeback; default: a random 8-digit one. */
	parentID?: ParamValue;
	/** Default `order-<saleID>`. */
	referenceID?: ParamValue;
	/** Default 9.99; sent as `priceAmount`, or `amount` on a rebill. */
	amount?: ParamValue;
	/** Default EUR; sent as `priceCurrency`, or `currency` on a rebill. */
	currency?: ParamValue;
	custom1?: ParamValue;
	/**
	 * Only for a test postback: the e-mail address its sample sale reports
	 * (TEST_BUYER_EMAIL_PARAM), e.g. your own, so a test run mails you.
	 */
	buyerEmail?: ParamValue;
	/** Default sha256; sha1 only to try the trigger's legacy-signature option. */
	algorithm?: SignatureAlgorithm;
	/**
	 * Default true: the sample carries the signed TEST_POSTBACK_MARKER, so that a
	 * copy replayed to a production URL never runs as a sale by accident. False
	 * only for tools that stand in for Verotel itself (test suites, the demo's
	 * order page), whose postbacks must look exactly like Verotel's.
	 */
	test?: boolean;
}

export interface SamplePostback {
	/** The event the postback stands for, as the trigger reports it. */
	event: string;
	saleID: string;
	/** Every parameter sent, in wire order, `signature` last. Never contains the signature key. */
	params: FlexPayParams;
	signature: string;
	/** `params` form-encoded as Verotel sends them in the query of a GET. */
	query: string;
}

/** A random numeric ID with the given number of digits (no leading zero). */
export function randomVerotelId(digits: number): string {
	const low = 10 ** (digits - 1);
	return String(crypto.randomInt(low, low * 10));
}

function checkVerotelId(field: string, value: ParamValue): string | undefined {
	const text = optionalIdText(field, value)?.trim();
	if (text === undefined) return undefined;
	if (!isVerotelId(text)) {
		throw new FlexPayValidationError(
			field,
			`${field} "${excerpt(text, 40)}" is not a Verotel ID`,
			`${field} must be digits only (1 to ${VEROTEL_ID_MAX_DIGITS}), e.g. 433456; leave it empty for a random one`,
		);
	}
	return text;
}

/** Echoed text: printable, at most 255 characters, no `:name=` (the trigger refuses such values). */
function checkEchoedText(field: string, value: ParamValue): string | undefined {
	const text = checkText(field, value, 255);
	if (text !== undefined) checkNoParameterBoundary(field, text);
	return text;
}

function checkBuyerEmail(value: ParamValue, test: boolean): string | undefined {
	const email = checkEchoedText('buyerEmail', value);
	if (email === undefined) return undefined;
	if (!test)
		throw new FlexPayValidationError(
			'buyerEmail',
			'buyerEmail is only for test postbacks',
			'Verotel’s postbacks carry no e-mail address; leave it empty',
		);
	if (!/^[^\s@]+@[^\s@]+$/.test(email))
		throw new FlexPayValidationError(
			'buyerEmail',
			'buyerEmail is not an e-mail address',
			'Use an address like you@example.com',
		);
	return email;
}

/** The address of a test postback's sample sale when it names none. */
export const SAMPLE_BUYER_EMAIL = 'buyer@example.com';

/**
 * The sale a test postback stands for, as the status service would describe
 * it: FOUND, approved, the postback's IDs, price and custom fields, and the
 * buyer's e-mail from TEST_BUYER_EMAIL_PARAM (else SAMPLE_BUYER_EMAIL). Built
 * from the verified parameters, never from text, so nothing can be injected.
 */
export function sampleSaleStatus(params: FlexPayParams): SaleStatus {
	const fields: Record<string, string> = { response: 'FOUND' };
	const copy = (to: string, value: string | undefined) => {
		if (value !== undefined && value !== '') fields[to] = value;
	};
	for (const name of ['saleID', 'shopID', 'referenceID', 'paymentMethod']) copy(name, params[name]);
	copy('priceAmount', nonEmpty(params.priceAmount) ?? params.amount);
	copy('priceCurrency', nonEmpty(params.priceCurrency) ?? params.currency);
	fields.saleResult = 'APPROVED';
	fields.email = params[TEST_BUYER_EMAIL_PARAM] || SAMPLE_BUYER_EMAIL;
	for (const name of ['custom1', 'custom2', 'custom3']) copy(name, params[name]);
	fields.billingAddr_fullName = 'Sample Buyer (test postback)';
	return saleStatusOf('FOUND', fields);
}

function checkEvent(value: string | undefined): string {
	const event = (value ?? 'purchase').trim().toLowerCase();
	if ((POSTBACK_EVENTS as readonly string[]).includes(event) || EVENT_NAME.test(event))
		return event;
	throw new FlexPayValidationError(
		'event',
		'event is not a postback event name',
		`Use one of ${POSTBACK_EVENTS.join(', ')}`,
	);
}

/**
 * A correctly signed sample postback of one event, as Verotel sends it: the
 * parameters each event carries (a purchase has no `event` parameter; every
 * other event has one; subscription events have `type=subscription`; a rebill
 * names its price `amount`/`currency`, every other event
 * `priceAmount`/`priceCurrency`; credit and chargeback carry `parentID`), plus
 * the test marker unless `test` is false, signed with the website's key over
 * every parameter. Values are checked as the
 * trigger checks them, so a sample is never refused for its form.
 *
 * Deterministic for given IDs; IDs left out come from `randomId` (default:
 * `randomVerotelId`, crypto-random).
 */
export function buildSamplePostback(
	config: VerificationConfig,
	input: SamplePostbackInput = {},
	randomId: (digits: number) => string = randomVerotelId,
): SamplePostback {
	const { shopID, signatureKey } = resolveShopAndKey(config);
	const event = checkEvent(input.event);
	const saleID = checkVerotelId('saleID', input.saleID) ?? randomId(7);
	const transactionID = checkVerotelId('transactionID', input.transactionID) ?? randomId(8);
	const amount = formatAmount(
		'priceAmount',
		isEmpty(input.amount) ? SAMPLE_POSTBACK_DEFAULTS.amount : input.amount,
	);
	const currency = formatCurrency(
		'priceCurrency',
		isEmpty(input.currency) ? SAMPLE_POSTBACK_DEFAULTS.currency : input.currency,
	);
	const referenceID = checkEchoedText('referenceID', input.referenceID) ?? `order-${saleID}`;
	const custom1 = checkEchoedText('custom1', input.custom1);

	const params: FlexPayParams = {
		shopID,
		saleID,
		transactionID,
		referenceID,
		type: SUBSCRIPTION_EVENT_SET.has(event) ? 'subscription' : 'purchase',
		paymentMethod: 'CC',
		CCBrand: 'VISA',
		truncatedPAN: 'XXXXXXXXXXXX1111',
	};
	if (event === 'rebill') Object.assign(params, { amount, currency });
	else Object.assign(params, { priceAmount: amount, priceCurrency: currency });
	if (event !== 'purchase') params.event = event;
	if (PARENT_EVENTS.has(event))
		params.parentID = checkVerotelId('parentID', input.parentID) ?? randomId(8);
	if (custom1 !== undefined) params.custom1 = custom1;
	if (input.test !== false) params[TEST_POSTBACK_MARKER.name] = TEST_POSTBACK_MARKER.value;
	const buyerEmail = checkBuyerEmail(input.buyerEmail, input.test !== false);
	if (buyerEmail !== undefined) params[TEST_BUYER_EMAIL_PARAM] = buyerEmail;

	const signature = computeSignature(signatureKey, params, input.algorithm ?? 'sha256');
	const sent: FlexPayParams = { ...params, signature };
	return { event, saleID, params: sent, signature, query: buildQueryString(Object.entries(sent)) };
}
