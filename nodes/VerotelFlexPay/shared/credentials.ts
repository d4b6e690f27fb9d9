import type { IExecuteFunctions } from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../../credentials/VerotelFlexPayApi.credentials';
import { resolveConfig, type BrandName, type FlexPayConfig } from '../../../lib';

function optionalText(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return String(value);
}

/**
 * The checked FlexPay configuration of the item's credential. Throws the lib's
 * FlexPayValidationError (with field and hint) when the credential is unusable.
 */
export async function getFlexPayConfig(this: IExecuteFunctions, itemIndex: number): Promise<FlexPayConfig> {
	const credentials = await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex);
	const resolved = resolveConfig({
		shopId: credentials.shopId as string,
		signatureKey: credentials.signatureKey as string,
		brand: (optionalText(credentials.brand) ?? 'verotel') as BrandName,
		baseUrl: optionalText(credentials.baseUrl),
	});
	return {
		shopId: resolved.shopID,
		signatureKey: resolved.signatureKey,
		brand: resolved.brand,
		baseUrl: resolved.baseUrl,
	};
}
