import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { resolveConfig, type BrandName, type FlexPayConfig } from '../../lib';

/** A credential field as text; empty, null and undefined all mean "not set". */
export function textOrUndefined(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return typeof value === 'string' ? value : String(value);
}

/**
 * The FlexPay credential's configuration, checked and normalised (key trimmed,
 * the brand's base URL filled in). Throws the lib's FlexPayValidationError (with
 * field and hint) when the credential is unusable. What every operation and the
 * credential's own request signing use.
 */
export function readFlexPayConfig(
	credentials: ICredentialDataDecryptedObject,
): Required<FlexPayConfig> {
	const { shopID, signatureKey, brand, baseUrl } = resolveConfig(
		readFlexPayConfigUnchecked(credentials),
	);
	return { shopId: shopID, signatureKey, brand, baseUrl };
}

/**
 * The same fields, unchecked: only for verifying a postback, which checks shop
 * ID and key itself (parsePostback) and must not be stopped by an unusable brand
 * or base URL, which it does not need.
 */
export function readFlexPayConfigUnchecked(
	credentials: ICredentialDataDecryptedObject,
): FlexPayConfig {
	return {
		shopId: credentials.shopId as string,
		signatureKey: credentials.signatureKey as string,
		brand: (textOrUndefined(credentials.brand) ?? 'verotel') as BrandName,
		baseUrl: textOrUndefined(credentials.baseUrl),
	};
}
