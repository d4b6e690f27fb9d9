import { FlexPayValidationError } from './errors';

/**
 * The FlexPay brands and their hosts, as listed identically by Verotel's PHP
 * client (Brand/*.php, 5.1.1) and flexpay4j (Brand.kt, 2.2.0). The merchant-ID
 * prefix is the first four digits of the 16-digit Customer ID.
 */
interface Brand {
	displayName: string;
	merchantIdPrefix: string;
	baseUrl: string;
}

const brand = (displayName: string, merchantIdPrefix: string, host: string): Readonly<Brand> => ({
	displayName,
	merchantIdPrefix,
	baseUrl: `https://${host}`,
});

export const BRANDS = {
	verotel: brand('Verotel', '9804', 'secure.verotel.com'),
	cardbilling: brand('CardBilling', '9762', 'secure.billing.creditcard'),
	bitsafepay: brand('BitsafePay', '9653', 'secure.bitsafepay.com'),
	bill: brand('Bill', '9511', 'secure.bill.creditcard'),
	paintfest: brand('PaintFest', '9444', 'secure.paintfestpayments.com'),
	gaycharge: brand('GayCharge', '9388', 'secure.gaycharge.com'),
	yoursafedirect: brand('YoursafeDirect', '9001', 'secure.yoursafedirect.com'),
} as const;

export type BrandName = keyof typeof BRANDS;

export const BRAND_NAMES = Object.keys(BRANDS) as BrandName[];

export function isBrandName(value: unknown): value is BrandName {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BRANDS, value);
}

/** Brand from a 16-digit merchant (Customer) ID, by its first four digits. */
export function brandFromMerchantId(merchantId: string | number): BrandName {
	const id = String(merchantId).trim();
	if (!/^\d{16}$/.test(id)) {
		throw new FlexPayValidationError(
			'merchantId',
			`Merchant ID "${id}" is not a 16-digit Verotel Customer ID`,
			'Copy the Customer ID from the top of Verotel Control Center, e.g. 9804000000000000',
		);
	}
	const prefix = id.slice(0, 4);
	const brand = BRAND_NAMES.find((name) => BRANDS[name].merchantIdPrefix === prefix);
	if (!brand) {
		throw new FlexPayValidationError(
			'merchantId',
			`Invalid merchant ID: prefix ${prefix} belongs to no FlexPay brand`,
			`Known prefixes: ${BRAND_NAMES.map((n) => `${BRANDS[n].merchantIdPrefix} (${BRANDS[n].displayName})`).join(', ')}`,
		);
	}
	return brand;
}
