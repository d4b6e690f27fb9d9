import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import {
	BRAND_NAMES,
	BRANDS,
	buildStatusRequest,
	FlexPayError,
	PATHS,
	type FlexPayConfig,
	type FlexPayParams,
	type StatusQuery,
} from '../lib';
import { readFlexPayConfig, textOrUndefined } from '../nodes/shared/flexPayConfig';

/** The HTTP Request node (and the legacy request helpers) address a request by `uri`. */
type SignableRequest = IHttpRequestOptions & { uri?: string };

/**
 * The credential's type name, for the nodes. The class's `name` repeats it as a
 * literal: n8n's scanner reads that literal to check the nodes' credential
 * references. A test keeps the two equal.
 */
export const FLEXPAY_CREDENTIAL_TYPE = 'verotelFlexPayApi';

/**
 * A referenceID no real sale carries. With the right key the status service
 * answers `response: NOTFOUND` for it; with a wrong key `response: ERROR`.
 */
export const CREDENTIAL_TEST_REFERENCE_ID = 'n8n-credential-test';

const KEY_REJECTED_MESSAGE =
	'Verotel rejected the signature (response: ERROR). Re-copy the Signature Key from Control Center -> Setup Websites -> your website -> FlexPay options, without spaces, and check that the Shop ID is the website ID of that same website.';
const NOT_FLEXPAY_MESSAGE =
	'The address did not answer like the FlexPay status service. Check the Brand, and leave Custom Base URL empty unless you use a proxy or test server.';

export class VerotelFlexPayApi implements ICredentialType {
	name = 'verotelFlexPayApi';

	displayName = 'Verotel FlexPay API';

	icon: Icon = { light: 'file:../icons/flexpay.svg', dark: 'file:../icons/flexpay.dark.svg' };

	documentationUrl = 'https://github.com/verotel-flexpay-n8n/n8n-nodes-verotel-flexpay#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Shop ID',
			name: 'shopId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. 123456',
			description:
				'The website ID of your website: Verotel Control Center -> Setup Websites, column ID',
		},
		{
			displayName: 'Signature Key',
			name: 'signatureKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The FlexPay signature key of the same website: Control Center -> Setup Websites -> your website -> FlexPay options',
		},
		{
			displayName: 'Brand',
			name: 'brand',
			type: 'options',
			options: BRAND_NAMES.map((brand) => ({
				name: BRANDS[brand].displayName,
				value: brand,
				description: BRANDS[brand].baseUrl,
			})),
			default: 'verotel',
			description: 'The brand your website is billed under; it decides the FlexPay host',
		},
		{
			displayName: 'Custom Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://secure.verotel.com',
			description:
				"Only for tests and proxies: replaces the brand's host. Leave empty to use the brand's host.",
		},
	];

	/**
	 * Signs a sale-status request: the sale is taken from `qs.saleID` or
	 * `qs.referenceID` (or the URL's own query), and `qs` is replaced by the signed
	 * parameters (shopID, saleID or referenceID, version, signature). A relative
	 * address gets the brand's host (or the custom base URL). The signature key is
	 * only used to compute the signature; it is never put into the request.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const options: SignableRequest = { ...requestOptions };
		const target: 'uri' | 'url' =
			typeof options.uri === 'string' && options.uri !== '' ? 'uri' : 'url';
		const address = String(options[target] ?? '').split('#')[0];
		const queryStart = address.indexOf('?');
		const path = queryStart === -1 ? address : address.slice(0, queryStart);
		const queryInAddress = new URLSearchParams(
			queryStart === -1 ? '' : address.slice(queryStart + 1),
		);
		const qs: IDataObject = options.qs ?? {};
		const query = {
			saleID: textOrUndefined(qs.saleID) ?? textOrUndefined(queryInAddress.get('saleID')),
			referenceID:
				textOrUndefined(qs.referenceID) ?? textOrUndefined(queryInAddress.get('referenceID')),
		};

		let config: Required<FlexPayConfig>;
		let params: FlexPayParams;
		try {
			config = readFlexPayConfig(credentials);
			params = buildStatusRequest(config, query as StatusQuery).params;
		} catch (error) {
			if (error instanceof FlexPayError) {
				throw new UserError(
					error.hint ? `${error.message}. ${error.hint}` : error.message,
					error.hint ? { description: error.hint } : {},
				);
			}
			throw error;
		}

		options.qs = { ...params };
		const relative = path === '' ? PATHS.salestatus : path;
		if (/^https?:\/\//i.test(relative)) {
			options[target] = relative;
		} else if (target === 'uri') {
			options.uri = `${config.baseUrl}${relative.startsWith('/') ? '' : '/'}${relative}`;
		} else {
			options.url = relative;
			if (!options.baseURL) options.baseURL = config.baseUrl;
		}
		return options;
	}

	/**
	 * n8n's credential tester hands the raw response body to lodash `get(body,
	 * rule.key)` and fails the test when the result equals `rule.value`. The
	 * status body is plain text, so `get(body, 'response')` is always undefined
	 * and a rule on the key `response` could never fail. On a string, `get`
	 * reads single characters by index: in `response: ERROR` the character at
	 * index 10 is `E`, in `response: NOTFOUND` it is `N` (and `F` for FOUND).
	 * Indexes 11 and 14 cover a leading byte-order mark and a leading `---`
	 * line, which the status parser also accepts. The last rules catch an HTML
	 * or JSON page and an empty body, i.e. an address that is not FlexPay.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: PATHS.salestatus,
			qs: { referenceID: CREDENTIAL_TEST_REFERENCE_ID },
			encoding: 'text',
			json: false,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: '10', value: 'E', message: KEY_REJECTED_MESSAGE },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: '11', value: 'E', message: KEY_REJECTED_MESSAGE },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: '14', value: 'E', message: KEY_REJECTED_MESSAGE },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: '0', value: '<', message: NOT_FLEXPAY_MESSAGE },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: '0', value: '{', message: NOT_FLEXPAY_MESSAGE },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'length', value: 0, message: NOT_FLEXPAY_MESSAGE },
			},
		],
	};
}
