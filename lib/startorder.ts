import { formatAmount, formatPositiveAmount } from './amount';
import type { FlexPayConfig } from './config';
import { FlexPayValidationError } from './errors';
import { buildSignedRequest, PATHS, type RequestParams, type SignedRequest } from './request';
import {
	checkEmail,
	checkId,
	checkOption,
	checkPeriod,
	checkReference,
	checkText,
	checkUrl,
	formatCurrency,
	formatPaymentMethod,
	isEmpty,
	SUBSCRIPTION_TYPES,
	UPGRADE_OPTIONS,
	type Currency,
	type PaymentMethod,
} from './validation';

export type StartorderType = 'purchase' | 'subscription' | 'upgradesubscription';

/** Extra, merchant-defined parameters are sent unsigned, as the official clients do. */
type Extras = RequestParams;

interface CommonOrderParams {
	priceAmount: string | number;
	priceCurrency: Currency | string;
	paymentMethod?: PaymentMethod | string;
	custom1?: string;
	custom2?: string;
	custom3?: string;
	successURL?: string;
	declineURL?: string;
	/** Unsigned; if not set, the Order Page asks the buyer. */
	email?: string;
}

export interface PurchaseParams extends CommonOrderParams, Extras {
	description: string;
	referenceID?: string;
	/** Unsigned one-time token from a previous sale's postback; needs paymentMethod CC. */
	oneClickToken?: string;
	mcc?: string;
	subCreditorName?: string;
	subCreditorId?: string;
	subCreditorCountry?: string;
}

/** The terms of a subscription, and of the subscription an upgrade leads to. */
interface SubscriptionTermsParams {
	period: string;
	subscriptionType: 'one-time' | 'recurring' | string;
	name?: string;
	trialAmount?: string | number;
	trialPeriod?: string;
}

export interface SubscriptionParams extends CommonOrderParams, SubscriptionTermsParams, Extras {
	referenceID?: string;
}

export interface UpgradeSubscriptionParams
	extends CommonOrderParams, SubscriptionTermsParams, Extras {
	precedingSaleID: string | number;
	upgradeOption?: 'extend' | 'lost' | string;
}

export interface CancelSubscriptionParams {
	saleID: string | number;
}

/** Unsigned extras: must be plain parameter names with printable values. */
function checkExtras(input: Extras, known: ReadonlySet<string>): Extras {
	const out: Extras = {};
	for (const key of Object.keys(input)) {
		// `version` is always this library's protocol version, as in the official clients.
		if (known.has(key) || isEmpty(input[key]) || key === 'version') continue;
		if (key === 'signature' || key === 'type') {
			throw new FlexPayValidationError(
				key,
				`${key} is set by the library and cannot be passed`,
				`Remove ${key} from the parameters`,
			);
		}
		if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key)) {
			throw new FlexPayValidationError(
				key,
				`Parameter name "${key}" is not valid`,
				'Use letters, digits and underscores only',
			);
		}
		out[key] = checkText(key, input[key], 255);
	}
	return out;
}

function checkShop(config: FlexPayConfig, input: Extras): void {
	if (isEmpty(input.shopID)) return;
	if (String(input.shopID).trim() !== String(config.shopId).trim()) {
		throw new FlexPayValidationError(
			'shopID',
			'shopID in the parameters differs from the configured shop ID',
			'Leave shopID out of the parameters; it comes from the configuration',
		);
	}
}

function commonOrderFields(input: CommonOrderParams & Extras): Extras {
	const priceCurrency = formatCurrency('priceCurrency', input.priceCurrency);
	const paymentMethod = formatPaymentMethod(input.paymentMethod);
	if (paymentMethod === 'DDEU' && priceCurrency !== 'EUR') {
		throw new FlexPayValidationError(
			'priceCurrency',
			`Direct debit (DDEU) is only possible in EUR, not ${priceCurrency}`,
			'Set priceCurrency to EUR or choose another payment method',
		);
	}
	return {
		priceAmount: formatAmount('priceAmount', input.priceAmount),
		priceCurrency,
		paymentMethod,
		custom1: checkText('custom1', input.custom1, 255),
		custom2: checkText('custom2', input.custom2, 255),
		custom3: checkText('custom3', input.custom3, 255),
		successURL: checkUrl('successURL', input.successURL),
		declineURL: checkUrl('declineURL', input.declineURL),
		email: checkEmail(input.email),
	};
}

const IDEAL_ONLY = ['mcc', 'subCreditorName', 'subCreditorId', 'subCreditorCountry'] as const;

/** The parameters of every startorder link (commonOrderFields), and shopID (checkShop). */
const ORDER_FIELDS = [
	'priceAmount',
	'priceCurrency',
	'paymentMethod',
	'custom1',
	'custom2',
	'custom3',
	'successURL',
	'declineURL',
	'email',
	'shopID',
] as const;

/** The terms of a subscription and of an upgrade (subscriptionFields). */
const SUBSCRIPTION_TERMS_FIELDS = [
	'period',
	'subscriptionType',
	'name',
	'trialAmount',
	'trialPeriod',
] as const;

const PURCHASE_FIELDS: ReadonlySet<string> = new Set([
	...ORDER_FIELDS,
	'description',
	'referenceID',
	'oneClickToken',
	...IDEAL_ONLY,
]);

/** Signed `startorder` URL for a one-off purchase (type=purchase). */
export function buildPurchaseRequest(config: FlexPayConfig, input: PurchaseParams): SignedRequest {
	requireObject(input);
	checkShop(config, input);
	const fields = commonOrderFields(input);
	const oneClickToken = checkText('oneClickToken', input.oneClickToken, 255);
	if (oneClickToken !== undefined && fields.paymentMethod !== 'CC') {
		throw new FlexPayValidationError(
			'oneClickToken',
			'A one-click token needs paymentMethod CC',
			'Set paymentMethod to CC, or remove oneClickToken',
		);
	}
	const ideal: Extras = {};
	for (const field of IDEAL_ONLY) {
		ideal[field] = checkText(field, input[field], field === 'subCreditorName' ? 255 : 64);
		if (ideal[field] !== undefined && fields.paymentMethod !== 'IDEAL') {
			throw new FlexPayValidationError(
				field,
				`${field} can only be used with the iDEAL payment method`,
				`Set paymentMethod to IDEAL, or remove ${field}`,
			);
		}
	}
	if (
		ideal.subCreditorCountry !== undefined &&
		!/^[A-Z]{2}$/.test(String(ideal.subCreditorCountry))
	) {
		throw new FlexPayValidationError(
			'subCreditorCountry',
			`subCreditorCountry "${String(ideal.subCreditorCountry)}" is not a 2-letter ISO 3166 code`,
			'Use an upper-case country code such as NL',
		);
	}
	return buildSignedRequest(config, PATHS.startorder, {
		...checkExtras(input, PURCHASE_FIELDS),
		...fields,
		...ideal,
		description: checkText('description', input.description, 100, true),
		referenceID: checkReference('referenceID', input.referenceID, 255),
		oneClickToken,
		type: 'purchase',
	});
}

const SUBSCRIPTION_FIELDS: ReadonlySet<string> = new Set([
	...ORDER_FIELDS,
	...SUBSCRIPTION_TERMS_FIELDS,
	'referenceID',
]);

function subscriptionFields(input: SubscriptionTermsParams, fields: Extras): Extras {
	const subscriptionType = checkOption(
		'subscriptionType',
		input.subscriptionType,
		SUBSCRIPTION_TYPES,
		true,
	);
	const recurring = subscriptionType!.toLowerCase() === 'recurring';
	if (recurring && fields.paymentMethod === 'DDEU') {
		throw new FlexPayValidationError(
			'subscriptionType',
			'Direct debit (DDEU) subscriptions can only be one-time',
			'Use subscriptionType one-time, or another payment method',
		);
	}
	return {
		subscriptionType,
		period: checkPeriod('period', input.period, recurring ? 7 : 2, true),
		name: checkText('name', input.name, 100),
		// A free trial (0.00) is not documented by Verotel: no trial means no trialAmount.
		trialAmount: isEmpty(input.trialAmount)
			? undefined
			: formatPositiveAmount('trialAmount', input.trialAmount),
		trialPeriod: checkPeriod('trialPeriod', input.trialPeriod, 2, false),
	};
}

/** Signed `startorder` URL for a subscription (type=subscription). */
export function buildSubscriptionRequest(
	config: FlexPayConfig,
	input: SubscriptionParams,
): SignedRequest {
	requireObject(input);
	checkShop(config, input);
	const fields = commonOrderFields(input);
	return buildSignedRequest(config, PATHS.startorder, {
		...checkExtras(input, SUBSCRIPTION_FIELDS),
		...fields,
		...subscriptionFields(input, fields),
		referenceID: checkReference('referenceID', input.referenceID, 255),
		type: 'subscription',
	});
}

const UPGRADE_FIELDS: ReadonlySet<string> = new Set([
	...ORDER_FIELDS,
	...SUBSCRIPTION_TERMS_FIELDS,
	'precedingSaleID',
	'upgradeOption',
]);

/** Signed `startorder` URL that upgrades an existing subscription (type=upgradesubscription). */
export function buildUpgradeSubscriptionRequest(
	config: FlexPayConfig,
	input: UpgradeSubscriptionParams,
): SignedRequest {
	requireObject(input);
	checkShop(config, input);
	if (!isEmpty(input.referenceID)) {
		throw new FlexPayValidationError(
			'referenceID',
			'An upgrade cannot carry a referenceID',
			'Remove referenceID; the upgrade refers to precedingSaleID',
		);
	}
	const fields = commonOrderFields(input);
	return buildSignedRequest(config, PATHS.startorder, {
		...checkExtras(input, UPGRADE_FIELDS),
		...fields,
		...subscriptionFields(input, fields),
		precedingSaleID: checkId('precedingSaleID', input.precedingSaleID, true),
		upgradeOption: checkOption('upgradeOption', input.upgradeOption, UPGRADE_OPTIONS, false),
		type: 'upgradesubscription',
	});
}

/** Buyer-facing page on which a subscriber cancels their subscription. */
export function buildCancelSubscriptionRequest(
	config: FlexPayConfig,
	input: CancelSubscriptionParams,
): SignedRequest {
	requireObject(input);
	return buildSignedRequest(config, PATHS.cancelSubscription, {
		saleID: checkId('saleID', input.saleID, true),
	});
}

function requireObject(input: unknown): void {
	if (!input || typeof input !== 'object' || Array.isArray(input)) {
		throw new FlexPayValidationError(
			'params',
			'No parameters given',
			'Pass an object with the FlexPay parameters',
		);
	}
}

export const buildPurchaseUrl = (config: FlexPayConfig, params: PurchaseParams): string =>
	buildPurchaseRequest(config, params).url;
export const buildSubscriptionUrl = (config: FlexPayConfig, params: SubscriptionParams): string =>
	buildSubscriptionRequest(config, params).url;
export const buildUpgradeSubscriptionUrl = (
	config: FlexPayConfig,
	params: UpgradeSubscriptionParams,
): string => buildUpgradeSubscriptionRequest(config, params).url;
export const buildCancelSubscriptionUrl = (
	config: FlexPayConfig,
	params: CancelSubscriptionParams,
): string => buildCancelSubscriptionRequest(config, params).url;
