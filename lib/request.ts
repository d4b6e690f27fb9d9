/**
 * The signed GET request every FlexPay page and service takes (startorder,
 * salestatus, cancel-subscription): the parameters, `shopID` and `version`,
 * signed, on the brand's host.
 */
import { resolveConfig, type FlexPayConfig } from './config';
import { buildQueryString } from './encoding';
import { compareKeys, signRequest, type FlexPayParams, type SignatureAlgorithm } from './signature';
import { asText, checkNoParameterBoundary, isEmpty, type ParamValue } from './validation';

/** The protocol version every request of this library speaks. */
export const PROTOCOL_VERSION = '4';

export const PATHS = {
	startorder: '/startorder',
	salestatus: '/salestatus',
	cancelSubscription: '/cancel-subscription',
} as const;

/** A request's parameters before they are checked and turned into text. */
export type RequestParams = { [name: string]: ParamValue };

export interface SignedUrlOptions {
	/** Protocol version to send; only for reproducing historical vectors. */
	version?: string;
	algorithm?: SignatureAlgorithm;
}

export interface SignedRequest {
	url: string;
	/** Every parameter sent, signature last; never contains the signature key. */
	params: FlexPayParams;
}

/**
 * The generic signed request: adds `shopID` (unless given) and `version`, drops
 * empty values (`0` stays), signs the whitelisted parameters, and orders the
 * query by key with `signature` last, as the official clients do.
 */
export function buildSignedRequest(
	config: FlexPayConfig,
	path: string,
	input: RequestParams,
	options: SignedUrlOptions = {},
): SignedRequest {
	const { shopID, signatureKey, baseUrl } = resolveConfig(config);
	const params: FlexPayParams = {};
	for (const key of Object.keys(input)) {
		const value = input[key];
		if (isEmpty(value) || key === 'signature' || key === 'version') continue;
		params[key] = asText(key, value);
		// Verotel echoes values such as custom1 in its postbacks, which refuse them (see parsePostback).
		checkNoParameterBoundary(key, params[key]);
	}
	if (params.shopID === undefined) params.shopID = shopID;
	params.version = options.version ?? PROTOCOL_VERSION;
	const signature = signRequest(signatureKey, params, options.algorithm ?? 'sha256');
	const ordered = Object.keys(params)
		.sort(compareKeys)
		.map((key) => [key, params[key]] as const);
	const query = buildQueryString([...ordered, ['signature', signature]]);
	return {
		url: `${baseUrl}${path}?${query}`,
		params: { ...Object.fromEntries(ordered), signature },
	};
}
