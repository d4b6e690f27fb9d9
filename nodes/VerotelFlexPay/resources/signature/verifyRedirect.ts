import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	FlexPayMalformedQueryError,
	FlexPayNotASaleError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	parseSuccessRedirect,
} from '../../../../lib';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import { optionsCollection, showFor } from '../../helpers/descriptions';
import { toNodeError } from '../../helpers/errors';
import { withoutRequestText } from '../../../shared/redaction';

const displayOptions = showFor('signature', 'verifyRedirect');

export const description: INodeProperties[] = [
	{
		displayName: 'Redirect Query',
		name: 'redirect',
		type: 'string',
		required: true,
		default: '={{ $json.query }}',
		placeholder: 'e.g. saleID=433456&shopID=123456&signature=...',
		description:
			'The success redirect to check: its query string, the full success URL, or an object of its parameters such as the query of a Webhook node',
		displayOptions,
	},
	optionsCollection(displayOptions, [
		{
			displayName: 'Accept Legacy SHA-1 Signatures',
			name: 'allowSha1',
			type: 'boolean',
			default: true,
			description:
				'Whether to accept redirects signed with the legacy SHA-1 hash as well as SHA-256, as Verotel’s official clients do',
		},
	]),
];

/** The query part of a URL or query string, without `?` and fragment. */
export function queryPart(text: string): string {
	const trimmed = text.trim();
	const withoutFragment = trimmed.split('#')[0];
	const start = withoutFragment.indexOf('?');
	if (start !== -1) return withoutFragment.slice(start + 1);
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(withoutFragment) ? '' : withoutFragment;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const redirect = this.getNodeParameter('redirect', itemIndex) as unknown;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	let input: string | Record<string, unknown>;
	if (typeof redirect === 'string' && redirect.trim() !== '') {
		input = queryPart(redirect);
	} else if (redirect && typeof redirect === 'object' && !Array.isArray(redirect)) {
		input = redirect as Record<string, unknown>;
	} else {
		throw new NodeOperationError(this.getNode(), 'Redirect Query is empty or not a query', {
			itemIndex,
			description:
				'Map the query of the success redirect, e.g. {{ $json.query }} from a Webhook node, or paste the success URL or its query string.',
		});
	}

	try {
		const sale = parseSuccessRedirect(input, config, { allowSha1: options.allowSha1 !== false });
		if (sale.test) {
			// Made with the key by Send Test Postback or the simulator: a copy must never pass for a payment.
			return {
				valid: false,
				reason:
					'This is a test postback made with your key (Send Test Postback or the simulator), not a redirect from Verotel',
				reasonCode: 'TEST_POSTBACK',
				hint: 'Test the success page with a sale in Verotel’s test mode',
			};
		}
		return { valid: true, sale: { ...sale, params: { ...sale.params } } };
	} catch (error) {
		if (
			error instanceof FlexPaySignatureError ||
			error instanceof FlexPayShopMismatchError ||
			error instanceof FlexPayNotASaleError ||
			error instanceof FlexPayMalformedQueryError
		) {
			// The redirect is the buyer's request: quote no name he chose.
			const reason = withoutRequestText(error.message);
			const json: IDataObject = { valid: false, reason, reasonCode: error.code };
			if (error.hint) json.hint = error.hint;
			if (error instanceof FlexPayShopMismatchError) json.receivedShopID = error.receivedShopID;
			return json;
		}
		// A redirect's fields are query keys, not this node's parameters: no parameter labels.
		throw toNodeError(this.getNode(), error, itemIndex, {});
	}
}
