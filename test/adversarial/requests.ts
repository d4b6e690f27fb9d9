/**
 * Every signed request the pack can build (the attacker's raw material: he
 * holds his own payment link, cancel link or a status URL) and the shapes in
 * which he can send one on. Protocol core only, so the fuzz loads nothing else.
 */
import {
	buildCancelSubscriptionRequest,
	buildPurchaseRequest,
	buildQueryString,
	buildSignedRequest,
	buildStatusRequest,
	buildSubscriptionRequest,
	buildUpgradeSubscriptionRequest,
	compareKeys,
	PATHS,
	SIGNED_REQUEST_PARAMS,
	type FlexPayConfig,
	type FlexPayParams,
	type SignedRequest,
} from '../../lib';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';

/** The trigger's credential as the protocol core takes it. */
export const CONFIG: FlexPayConfig = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };

/** A signed request as the pack hands it out: every parameter sent, `signature` last. */
export interface RequestCase {
	label: string;
	path: string;
	params: FlexPayParams;
}

/** Distinctive values, so that a leak into a log line is found by a substring search. */
const URLS = {
	successURL: 'https://shop.example/zq-thanks',
	declineURL: 'https://shop.example/zq-declined',
};
const CUSTOM = { custom1: 'cust1-zq', custom2: 'cust2 zq', custom3: 'cust3-zq' };
const UNSIGNED = { email: 'zq.buyer@example.com', oneClickToken: 'tok-zq-1a2b3c' };

const PURCHASE_MIN = {
	priceAmount: '9.99',
	priceCurrency: 'EUR',
	description: 'Gold zq membership',
};
const SUBSCRIPTION_MIN = {
	priceAmount: '9.95',
	priceCurrency: 'USD',
	period: 'P30D',
	subscriptionType: 'recurring',
};
const UPGRADE_MIN = {
	precedingSaleID: '700002',
	priceAmount: '19.95',
	priceCurrency: 'USD',
	period: 'P1M',
	subscriptionType: 'recurring',
};

/**
 * The legacy protocol versions and hashes buildSignedRequest still signs for
 * (`version` option): the version stays in the signed set whatever its value.
 */
export const LEGACY_VERSIONS: ReadonlyArray<{ version: string; algorithm: 'sha1' | 'sha256' }> = [
	{ version: '1', algorithm: 'sha1' },
	{ version: '3.2', algorithm: 'sha1' },
	{ version: '3.4', algorithm: 'sha1' },
	{ version: '3.5', algorithm: 'sha256' },
];

/** Every signed request builder of lib, minimal and with every optional field filled (saleID included). */
export function requestCases(config: FlexPayConfig = CONFIG): RequestCase[] {
	const c = (label: string, path: string, request: SignedRequest): RequestCase => ({
		label,
		path,
		params: request.params,
	});
	const base: RequestCase[] = [
		c('purchase link', PATHS.startorder, buildPurchaseRequest(config, PURCHASE_MIN)),
		c(
			'purchase link, all fields',
			PATHS.startorder,
			buildPurchaseRequest(config, {
				...PURCHASE_MIN,
				paymentMethod: 'CC',
				referenceID: 'ref-zq-7731',
				saleID: '700001',
				...CUSTOM,
				...URLS,
				...UNSIGNED,
				origin: 'merchant-extra-zq',
			}),
		),
		c(
			'purchase link, iDEAL fields',
			PATHS.startorder,
			buildPurchaseRequest(config, {
				...PURCHASE_MIN,
				paymentMethod: 'IDEAL',
				mcc: '5967',
				subCreditorName: 'Sub zq BV',
				subCreditorId: 'subcred-zq-1',
				subCreditorCountry: 'NL',
				email: UNSIGNED.email,
			}),
		),
		c('subscription link', PATHS.startorder, buildSubscriptionRequest(config, SUBSCRIPTION_MIN)),
		c(
			'subscription link, all fields',
			PATHS.startorder,
			buildSubscriptionRequest(config, {
				...SUBSCRIPTION_MIN,
				paymentMethod: 'CC',
				name: 'Gold zq club',
				trialAmount: '1.00',
				trialPeriod: 'P3D',
				referenceID: 'ref-zq-8842',
				saleID: '700002',
				...CUSTOM,
				...URLS,
				email: UNSIGNED.email,
			}),
		),
		c(
			'one-time subscription link',
			PATHS.startorder,
			buildSubscriptionRequest(config, {
				...SUBSCRIPTION_MIN,
				subscriptionType: 'one-time',
				period: 'P2D',
				paymentMethod: 'DDEU',
				priceCurrency: 'EUR',
			}),
		),
		c('upgrade link', PATHS.startorder, buildUpgradeSubscriptionRequest(config, UPGRADE_MIN)),
		c(
			'upgrade link, all fields',
			PATHS.startorder,
			buildUpgradeSubscriptionRequest(config, {
				...UPGRADE_MIN,
				paymentMethod: 'CC',
				upgradeOption: 'extend',
				name: 'Platinum zq club',
				trialAmount: '2.00',
				trialPeriod: 'P7D',
				saleID: '700003',
				...CUSTOM,
				...URLS,
				email: UNSIGNED.email,
			}),
		),
		c(
			'cancel-subscription link',
			PATHS.cancelSubscription,
			buildCancelSubscriptionRequest(config, { saleID: '700002' }),
		),
		c(
			'status request by saleID',
			PATHS.salestatus,
			buildStatusRequest(config, { saleID: '700001' }),
		),
		c(
			'status request by referenceID',
			PATHS.salestatus,
			buildStatusRequest(config, { referenceID: 'ref-zq-7731' }),
		),
		// The generic builder fed a postback's own fields: the closest a request can come to a sale.
		c(
			'generic signed request shaped like a purchase postback',
			PATHS.startorder,
			buildSignedRequest(config, PATHS.startorder, {
				saleID: '700001',
				transactionID: '900001',
				referenceID: 'order-1001',
				priceAmount: '19.99',
				priceCurrency: 'EUR',
				paymentMethod: 'CC',
				...CUSTOM,
				type: 'purchase',
				event: 'purchase',
				CCBrand: 'VISA',
			}),
		),
		c(
			'generic signed request shaped like a credit postback',
			PATHS.startorder,
			buildSignedRequest(config, PATHS.startorder, {
				saleID: '700001',
				parentID: '900001',
				priceAmount: '19.99',
				priceCurrency: 'EUR',
				type: 'purchase',
				event: 'credit',
			}),
		),
	];
	// The same signed sets under the legacy `version` option (and its hash).
	const legacy: RequestCase[] = [];
	for (const request of base) {
		for (const { version, algorithm } of LEGACY_VERSIONS) {
			const { signature: _s, version: _v, ...input } = request.params;
			legacy.push(
				c(
					`${request.label}, version ${version} (${algorithm})`,
					request.path,
					buildSignedRequest(config, request.path, input, { version, algorithm }),
				),
			);
		}
	}
	return [...base, ...legacy];
}

/** The parameters a request sends unsigned (email, oneClickToken, merchant extras): a buyer may drop them. */
export function unsignedNames(params: FlexPayParams): string[] {
	return Object.keys(params).filter(
		(name) => name !== 'signature' && !SIGNED_REQUEST_PARAMS.has(name),
	);
}

/** The request without its unsigned parameters: exactly the signed set plus its signature. */
export function signedOnly(params: FlexPayParams): FlexPayParams {
	const out: FlexPayParams = {};
	for (const [name, value] of Object.entries(params))
		if (name === 'signature' || SIGNED_REQUEST_PARAMS.has(name)) out[name] = value;
	return out;
}

/**
 * `version` folded into the value before it in canonical order
 * (`type=purchase` + `version=4` -> `type=purchase:version=4`): the canonical
 * string, hence the signature, is unchanged, and no `version` key is left.
 */
export function foldVersion(params: FlexPayParams): FlexPayParams {
	const { signature, ...signed } = params;
	const names = Object.keys(signed).sort(compareKeys);
	const at = names.indexOf('version');
	if (at < 1) throw new Error('no parameter before version to fold it into');
	const before = names[at - 1];
	const out: FlexPayParams = {};
	for (const name of names) {
		if (name === 'version') continue;
		out[name] = name === before ? `${signed[name]}:version=${signed.version}` : signed[name];
	}
	return { ...out, signature };
}

export function withUpperSignature(params: FlexPayParams): FlexPayParams {
	return { ...params, signature: params.signature.toUpperCase() };
}

export function toQuery(params: FlexPayParams): string {
	return buildQueryString(Object.entries(params));
}
