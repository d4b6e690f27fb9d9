import { FlexPayValidationError } from './errors';

/**
 * The FlexPay brands and their hosts, as listed identically by Verotel's PHP
 * client (Brand/*.php, 5.1.1) and flexpay4j (Brand.kt, 2.2.0). The merchant-ID
 * prefix is the first four digits of the 16-digit Customer ID.
 */
export const BRANDS = {
	verotel: { displayName: 'Verotel', merchantIdPrefix: '9804', baseUrl: 'https://secure.verotel.com' },
	cardbilling: {
		displayName: 'CardBilling',
		merchantIdPrefix: '9762',
		baseUrl: 'https://secure.billing.creditcard',
	},
	bitsafepay: { displayName: 'BitsafePay', merchantIdPrefix: '9653', baseUrl: 'https://secure.bitsafepay.com' },
	bill: { displayName: 'Bill', merchantIdPrefix: '9511', baseUrl: 'https://secure.bill.creditcard' },
	paintfest: {
		displayName: 'PaintFest',
		merchantIdPrefix: '9444',
		baseUrl: 'https://secure.paintfestpayments.com',
	},
	gaycharge: { displayName: 'GayCharge', merchantIdPrefix: '9388', baseUrl: 'https://secure.gaycharge.com' },
	yoursafedirect: {
		displayName: 'YoursafeDirect',
		merchantIdPrefix: '9001',
		baseUrl: 'https://secure.yoursafedirect.com',
	},
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
