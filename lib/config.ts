import { BRANDS, BRAND_NAMES, isBrandName, type BrandName } from './brands';
import { FlexPayValidationError } from './errors';
import { parseAbsoluteUrl } from './url';

/** What a merchant configures once per website (Control Center -> Setup Websites). */
export interface FlexPayConfig {
	/** Website ID ("shopID") in Verotel's system. */
	shopId: string | number;
	/** The website's FlexPay signature key. Never logged or returned. */
	signatureKey: string;
	/** Brand the website is billed under; default `verotel`. */
	brand?: BrandName;
	/** Overrides the brand's host, e.g. for a proxy or a local test server. */
	baseUrl?: string;
}

export interface ResolvedConfig {
	shopID: string;
	signatureKey: string;
	brand: BrandName;
	baseUrl: string;
}

/** What verifying a postback needs: the website ID and its signature key. */
export type VerificationConfig = Pick<FlexPayConfig, 'shopId' | 'signatureKey'>;

/**
 * Normalises and checks shop ID and key. Messages name the field and never
 * quote a configured value. The key is trimmed because keys pasted
 * from Control Center often carry a trailing space or newline, which silently
 * breaks every signature (pitfall 1 of the protocol notes); real keys are
 * alphanumeric, so trimming never changes a valid key.
 */
export function resolveShopAndKey(config: VerificationConfig): {
	shopID: string;
	signatureKey: string;
} {
	if (!config || typeof config !== 'object') {
		throw new FlexPayValidationError(
			'config',
			'No FlexPay configuration given',
			'Pass { shopId, signatureKey }',
		);
	}
	const shopID = String(config.shopId ?? '').trim();
	if (!/^\d{1,12}$/.test(shopID)) {
		throw new FlexPayValidationError(
			'shopId',
			// Never quote it: a signature key pasted into the wrong field would end up in logs.
			shopID === '' ? 'Shop ID is empty' : 'Shop ID is not a numeric website ID',
			'Use the website ID from Control Center -> Setup Websites: 1 to 12 digits such as 123456, not the signature key',
		);
	}
	const signatureKey = typeof config.signatureKey === 'string' ? config.signatureKey.trim() : '';
	if (signatureKey === '') {
		throw new FlexPayValidationError(
			'signatureKey',
			'Signature key is empty',
			'Copy the signature key from Control Center -> Setup Websites -> your website -> FlexPay options',
		);
	}
	return { shopID, signatureKey };
}

/** Normalises and checks a full configuration: shop, key, brand or custom base URL (values never quoted). */
export function resolveConfig(config: FlexPayConfig): ResolvedConfig {
	const { shopID, signatureKey } = resolveShopAndKey(config);
	const brand = config.brand ?? 'verotel';
	if (!isBrandName(brand)) {
		throw new FlexPayValidationError(
			'brand',
			'Invalid brand name: not one of the FlexPay brands',
			`Use one of: ${BRAND_NAMES.join(', ')}`,
		);
	}
	const baseUrl =
		config.baseUrl !== undefined && config.baseUrl !== null && String(config.baseUrl).trim() !== ''
			? normaliseBaseUrl(String(config.baseUrl))
			: BRANDS[brand].baseUrl;
	return { shopID, signatureKey, brand, baseUrl };
}

function normaliseBaseUrl(value: string): string {
	const trimmed = value.trim();
	const parsed = parseAbsoluteUrl(trimmed);
	if (!parsed) {
		throw new FlexPayValidationError(
			'baseUrl',
			'Base URL is not a valid URL',
			'Use an absolute http(s) URL such as https://secure.verotel.com, or leave it empty to use the brand',
		);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new FlexPayValidationError(
			'baseUrl',
			'Base URL must use http or https',
			'Use an absolute http(s) URL, or leave it empty to use the brand',
		);
	}
	if (parsed.search || parsed.hash) {
		throw new FlexPayValidationError(
			'baseUrl',
			'Base URL must not contain a query or fragment',
			'Remove everything after the path',
		);
	}
	return trimmed.replace(/\/+$/, '');
}
