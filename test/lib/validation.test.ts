import {
	BRANDS,
	FlexPayValidationError,
	brandFromMerchantId,
	buildCancelSubscriptionUrl,
	buildPurchaseRequest,
	buildPurchaseUrl,
	buildSamplePostback,
	buildStatusUrl,
	buildSubscriptionUrl,
	buildUpgradeSubscriptionUrl,
	formatAmount,
	resolveConfig,
	type PurchaseParams,
} from '../../lib';
import { idText } from '../../lib/validation';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';

const config = { shopId: TEST_SHOP_ID, signatureKey: TEST_SIGNATURE_KEY };
const base: PurchaseParams = {
	priceAmount: '9.99',
	priceCurrency: 'EUR',
	description: 'Video download',
};

function validationError(fn: () => unknown): FlexPayValidationError {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(FlexPayValidationError);
		expect((error as Error).message).not.toContain(TEST_SIGNATURE_KEY);
		expect((error as FlexPayValidationError).hint).toBeTruthy();
		return error as FlexPayValidationError;
	}
	throw new Error('expected a FlexPayValidationError');
}

describe('amount', () => {
	test.each([
		['9.99', '9.99'],
		['14', '14.00'],
		['9.9', '9.90'],
		['00.00', '0.00'],
		[' 45.20 ', '45.20'],
		[14, '14.00'],
		[0.1 + 0.2, '0.30'],
		[1234.5, '1234.50'],
		[0, '0.00'],
	])('%p -> %s', (input, expected) => {
		expect(formatAmount('priceAmount', input)).toBe(expected);
	});

	test.each([
		['-1'],
		[-0.5],
		[Number.NaN],
		[Number.POSITIVE_INFINITY],
		['1,50'],
		['1.234,50'],
		['9.999'],
		[9.999],
		['abc'],
		['1e3'],
		[''],
		[null],
	])('%p is refused naming priceAmount', (input) => {
		expect(validationError(() => formatAmount('priceAmount', input as never)).field).toBe(
			'priceAmount',
		);
	});

	test('a locale comma gets a hint about the dot', () => {
		expect(validationError(() => formatAmount('priceAmount', '1.234,50')).hint).toMatch(/dot/);
	});
});

describe('purchase parameters', () => {
	test('the nine currencies are accepted (case-insensitive), others refused', () => {
		for (const currency of ['USD', 'EUR', 'GBP', 'AUD', 'CAD', 'CHF', 'DKK', 'NOK', 'SEK', 'eur']) {
			expect(buildPurchaseUrl(config, { ...base, priceCurrency: currency })).toContain(
				`priceCurrency=${currency.toUpperCase()}`,
			);
		}
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, priceCurrency: 'GBR' })).field,
		).toBe('priceCurrency');
	});

	test('DDEU only with EUR', () => {
		expect(buildPurchaseUrl(config, { ...base, paymentMethod: 'DDEU' })).toContain(
			'paymentMethod=DDEU',
		);
		expect(
			validationError(() =>
				buildPurchaseUrl(config, { ...base, priceCurrency: 'USD', paymentMethod: 'DDEU' }),
			).field,
		).toBe('priceCurrency');
	});

	test('oneClickToken only with CC, and sent unsigned', () => {
		const request = buildPurchaseRequest(config, {
			...base,
			paymentMethod: 'CC',
			oneClickToken: 'tok123',
		});
		const withoutToken = buildPurchaseRequest(config, { ...base, paymentMethod: 'CC' });
		expect(request.params.oneClickToken).toBe('tok123');
		expect(request.params.signature).toBe(withoutToken.params.signature);
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, oneClickToken: 'tok123' })).field,
		).toBe('oneClickToken');
	});

	test('lengths: description 100, custom fields and URLs 255, e-mail 100 (code points, not bytes)', () => {
		expect(buildPurchaseUrl(config, { ...base, description: 'š'.repeat(100) })).toContain(
			'description=',
		);
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, description: 'x'.repeat(101) }))
				.field,
		).toBe('description');
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, custom2: 'x'.repeat(256) })).field,
		).toBe('custom2');
		expect(
			validationError(() =>
				buildPurchaseUrl(config, { ...base, successURL: 'https://a.example/' + 'x'.repeat(240) }),
			).field,
		).toBe('successURL');
		expect(
			validationError(() =>
				buildPurchaseUrl(config, { ...base, email: 'a@b.cd' + 'x'.repeat(100) }),
			).field,
		).toBe('email');
	});

	test('URLs must be absolute http(s); e-mail must look like one', () => {
		expect(
			validationError(() =>
				buildPurchaseUrl(config, { ...base, declineURL: 'javascript:alert(1)' }),
			).field,
		).toBe('declineURL');
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, successURL: '/thanks' })).field,
		).toBe('successURL');
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, email: 'not-an-address' })).field,
		).toBe('email');
	});

	test('description is required and may not contain control characters', () => {
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, description: '' })).field,
		).toBe('description');
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, description: 'a\nb' })).field,
		).toBe('description');
	});

	test('iDEAL-only fields need paymentMethod IDEAL; subCreditorCountry is two letters', () => {
		expect(
			buildPurchaseUrl(config, {
				...base,
				paymentMethod: 'IDEAL',
				mcc: '5815',
				subCreditorCountry: 'NL',
			}),
		).toContain('mcc=5815');
		expect(validationError(() => buildPurchaseUrl(config, { ...base, mcc: '5815' })).field).toBe(
			'mcc',
		);
		expect(
			validationError(() =>
				buildPurchaseUrl(config, { ...base, paymentMethod: 'IDEAL', subCreditorCountry: 'NLD' }),
			).field,
		).toBe('subCreditorCountry');
	});

	test('empty values are dropped from URL and signature, 0 is kept', () => {
		const url = buildPurchaseUrl(config, {
			...base,
			custom1: '',
			custom2: null as never,
			custom3: '0',
		});
		expect(url).not.toContain('custom1');
		expect(url).not.toContain('custom2');
		expect(url).toContain('custom3=0');
	});

	test('signature, version and type cannot be smuggled in; a foreign shopID is refused', () => {
		expect(validationError(() => buildPurchaseUrl(config, { ...base, signature: 'x' })).field).toBe(
			'signature',
		);
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, type: 'subscription' })).field,
		).toBe('type');
		expect(validationError(() => buildPurchaseUrl(config, { ...base, shopID: '1' })).field).toBe(
			'shopID',
		);
		expect(buildPurchaseUrl(config, { ...base, version: '3.2' })).toContain('version=4');
	});
});

describe('subscriptions, upgrade, cancel and status', () => {
	const sub = {
		priceAmount: '19.90',
		priceCurrency: 'USD',
		period: 'P30D',
		subscriptionType: 'recurring',
		name: 'Monthly',
	};

	test('subscription: type, period and subscriptionType checked', () => {
		expect(buildSubscriptionUrl(config, sub)).toContain('type=subscription');
		expect(
			validationError(() => buildSubscriptionUrl(config, { ...sub, period: '30 days' })).field,
		).toBe('period');
		expect(
			validationError(() => buildSubscriptionUrl(config, { ...sub, period: 'P5D' })).field,
		).toBe('period');
		expect(
			buildSubscriptionUrl(config, { ...sub, subscriptionType: 'one-time', period: 'P2D' }),
		).toContain('subscriptionType=one-time');
		expect(
			validationError(() => buildSubscriptionUrl(config, { ...sub, subscriptionType: 'weekly' }))
				.field,
		).toBe('subscriptionType');
		expect(
			validationError(() =>
				buildSubscriptionUrl(config, { ...sub, priceCurrency: 'EUR', paymentMethod: 'DDEU' }),
			).field,
		).toBe('subscriptionType');
	});

	test('upgrade needs precedingSaleID and refuses referenceID', () => {
		expect(
			buildUpgradeSubscriptionUrl(config, {
				...sub,
				precedingSaleID: 433456,
				upgradeOption: 'extend',
			}),
		).toContain('upgradeOption=extend');
		expect(
			validationError(() => buildUpgradeSubscriptionUrl(config, { ...sub, precedingSaleID: '' }))
				.field,
		).toBe('precedingSaleID');
		expect(
			validationError(() =>
				buildUpgradeSubscriptionUrl(config, { ...sub, precedingSaleID: '1', referenceID: 'r' }),
			).field,
		).toBe('referenceID');
		expect(
			validationError(() =>
				buildUpgradeSubscriptionUrl(config, {
					...sub,
					precedingSaleID: '1',
					upgradeOption: 'keep',
				}),
			).field,
		).toBe('upgradeOption');
	});

	test('cancel subscription and status URLs', () => {
		expect(buildCancelSubscriptionUrl(config, { saleID: '42' })).toMatch(
			new RegExp(
				`^https://secure\\.verotel\\.com/cancel-subscription\\?saleID=42&shopID=${TEST_SHOP_ID}&version=4&signature=[0-9a-f]{64}$`,
			),
		);
		expect(buildStatusUrl(config, { saleID: 42 })).toMatch(
			new RegExp(
				`^https://secure\\.verotel\\.com/salestatus\\?saleID=42&shopID=${TEST_SHOP_ID}&version=4&signature=[0-9a-f]{64}$`,
			),
		);
		expect(buildStatusUrl(config, { referenceID: 'order 1' })).toContain('referenceID=order+1');
		expect(validationError(() => buildStatusUrl(config, {} as never)).field).toBe('saleID');
		expect(
			validationError(() => buildStatusUrl(config, { saleID: 1, referenceID: 'x' } as never)).field,
		).toBe('referenceID');
	});
});

describe('configuration and brands', () => {
	test('each brand has its host; a custom base URL wins and loses its trailing slash', () => {
		for (const brand of Object.keys(BRANDS) as Array<keyof typeof BRANDS>) {
			expect(buildStatusUrl({ ...config, brand }, { saleID: 1 })).toMatch(
				new RegExp(`^${BRANDS[brand].baseUrl.replace(/\./g, '\\.')}/salestatus\\?`),
			);
		}
		expect(buildStatusUrl({ ...config, baseUrl: 'http://127.0.0.1:9000/' }, { saleID: 1 })).toMatch(
			/^http:\/\/127\.0\.0\.1:9000\/salestatus\?/,
		);
	});

	test('bad configuration names the field', () => {
		expect(
			validationError(() => buildStatusUrl({ ...config, shopId: '' }, { saleID: 1 })).field,
		).toBe('shopId');
		expect(
			validationError(() => buildStatusUrl({ ...config, signatureKey: '' }, { saleID: 1 })).field,
		).toBe('signatureKey');
		expect(
			validationError(() =>
				buildStatusUrl({ ...config, brand: 'youngcharge' as never }, { saleID: 1 }),
			).field,
		).toBe('brand');
		expect(
			validationError(() => buildStatusUrl({ ...config, baseUrl: 'ftp://x' }, { saleID: 1 })).field,
		).toBe('baseUrl');
	});

	test('brand from merchant ID prefix', () => {
		expect(brandFromMerchantId('9804000000000000')).toBe('verotel');
		expect(brandFromMerchantId(9762000000000000)).toBe('cardbilling');
		expect(brandFromMerchantId('9653123412341234')).toBe('bitsafepay');
		expect(brandFromMerchantId('9511000000000001')).toBe('bill');
		expect(brandFromMerchantId('9444000000000000')).toBe('paintfest');
		expect(brandFromMerchantId('9388000000000000')).toBe('gaycharge');
		expect(brandFromMerchantId('9001000000000000')).toBe('yoursafedirect');
		expect(validationError(() => brandFromMerchantId('1234000000000000')).field).toBe('merchantId');
		expect(validationError(() => brandFromMerchantId('9804')).field).toBe('merchantId');
	});
});

describe('amounts a buyer would be charged', () => {
	test.each([[true], [false], [1e-9], [-1e-9 + 0.01]])(
		'formatAmount(%p) is refused naming the field',
		(input) => {
			expect(validationError(() => formatAmount('priceAmount', input)).field).toBe('priceAmount');
		},
	);

	test('a trial costs something: trialAmount 0 is refused, no trialAmount means no trial', () => {
		const sub = {
			priceAmount: '19.90',
			priceCurrency: 'USD',
			period: 'P30D',
			subscriptionType: 'recurring',
		};
		for (const trialAmount of [0, '0', '0.00']) {
			const error = validationError(() =>
				buildSubscriptionUrl(config, { ...sub, trialAmount, trialPeriod: 'P3D' }),
			);
			expect(error.field).toBe('trialAmount');
			expect(error.hint).toMatch(/positive amount.*9\.99/);
		}
		expect(
			validationError(() =>
				buildUpgradeSubscriptionUrl(config, { ...sub, precedingSaleID: '1', trialAmount: '0.00' }),
			).field,
		).toBe('trialAmount');
		expect(buildSubscriptionUrl(config, sub)).not.toContain('trialAmount');
	});
});

describe('text that is not well-formed Unicode', () => {
	const cut = '😀'.slice(0, 1);

	test.each([
		['description', { description: `Premium ${cut}` }],
		['custom1', { custom1: `user${cut}` }],
		['referenceID', { referenceID: `${'😀'.slice(1)}order` }],
		['successURL', { successURL: `https://shop.example/${cut}` }],
		['email', { email: `a${cut}@b.example` }],
		['blah', { blah: cut }],
	])('a lone surrogate in %s is a field error, not "URI malformed"', (field, override) => {
		const error = validationError(() => buildPurchaseUrl(config, { ...base, ...override }));
		expect(error.field).toBe(field);
		expect(error.message).toMatch(/broken character/);
		expect(error.hint).toMatch(/Array\.from/);
	});

	test('subscription name and status referenceID too; whole emoji are fine', () => {
		const sub = {
			priceAmount: '19.90',
			priceCurrency: 'USD',
			period: 'P30D',
			subscriptionType: 'recurring',
		};
		expect(
			validationError(() => buildSubscriptionUrl(config, { ...sub, name: `Gold ${cut}` })).field,
		).toBe('name');
		expect(validationError(() => buildStatusUrl(config, { referenceID: cut })).field).toBe(
			'referenceID',
		);
		expect(buildPurchaseUrl(config, { ...base, description: 'Premium 😀' })).toContain(
			'description=Premium+%F0%9F%98%80',
		);
	});
});

describe('configuration errors never quote a configured value', () => {
	// Lower case: a URL scheme would be lower-cased before it could be quoted.
	const pasted = 'kq9pastedkeyvalue7xyz';

	test.each([
		['shopId', { ...config, shopId: pasted }],
		['shopId', { ...config, shopId: `${TEST_SHOP_ID}${pasted}` }],
		['brand', { ...config, brand: pasted as never }],
		['baseUrl', { ...config, baseUrl: pasted }],
		['baseUrl', { ...config, baseUrl: `${pasted}://x.example` }],
	])('a bad %s is named, and its value is not in message or hint', (field, bad) => {
		const error = validationError(() => resolveConfig(bad));
		expect(error.field).toBe(field);
		expect(`${error.message} ${error.hint}`).not.toContain(pasted);
	});

	test('the Shop ID message says what it should look like', () => {
		const error = validationError(() => resolveConfig({ ...config, shopId: pasted }));
		expect(error.message).toBe('Shop ID is not a numeric website ID');
		expect(error.hint).toMatch(/digits/);
	});

	test('a foreign shopID among the parameters is not quoted either', () => {
		const error = validationError(() => buildPurchaseUrl(config, { ...base, shopID: pasted }));
		expect(error.field).toBe('shopID');
		expect(error.message).not.toContain(pasted);
	});
});

describe('IDs are text, never rounded numbers (issue 18)', () => {
	/** What JSON.parse makes of 12345678901234567891: 12345678901234567000, another sale's ID. */
	const rounded = JSON.parse('12345678901234567891') as number;

	test.each([
		['433456', '433456'],
		[' 433456 ', ' 433456 '],
		['12345678901234567891', '12345678901234567891'],
		['order-1001', 'order-1001'],
		[433456, '433456'],
		[0, '0'],
		[Number.MAX_SAFE_INTEGER, '9007199254740991'],
	])('idText(%p) is %p', (input, expected) => {
		expect(idText('saleID', input)).toBe(expected);
	});

	test.each([
		[
			rounded,
			/^saleID is the number 12345678901234567000, larger than 9007199254740991: its last digits were rounded when it was read, so it may name another sale$/,
		],
		[Number.MAX_SAFE_INTEGER + 1, /^saleID is the number 9007199254740992, larger than/],
		[Number.NaN, /^saleID is the number NaN, which is not an ID/],
		[Number.NEGATIVE_INFINITY, /^saleID is the number -Infinity, which is not an ID/],
		[-1, /^saleID is the number -1, which is not an ID/],
		[-rounded, /^saleID is the number -12345678901234567000, which is not an ID/],
		[1.5, /^saleID is the number 1\.5, which is not an ID/],
		[true, /^saleID must be text, got boolean$/],
		[null, /^saleID must be text, got null$/],
		[{} as never, /^saleID must be text, got object$/],
	])('idText refuses %p naming the field and saying to pass it as text', (input, message) => {
		const error = validationError(() => idText('saleID', input as never));
		expect(error.field).toBe('saleID');
		expect(error.message).toMatch(message);
		expect(error.hint).toMatch(/^Pass saleID as text/);
	});

	test('the hint for a rounded number names the exact source, and that String() does not bring the digits back', () => {
		expect(validationError(() => idText('saleID', rounded)).hint).toBe(
			'Pass saleID as text with all its digits, e.g. {{ $json.saleID }} of the Verotel FlexPay Trigger (always text) or a string field of the item; String() of the number keeps the rounded digits',
		);
	});

	test('every builder that takes an ID refuses a rounded one, naming its field', () => {
		const sub = {
			priceAmount: '19.90',
			priceCurrency: 'USD',
			period: 'P30D',
			subscriptionType: 'recurring',
		};
		expect(
			validationError(() => buildCancelSubscriptionUrl(config, { saleID: rounded })).field,
		).toBe('saleID');
		expect(validationError(() => buildStatusUrl(config, { saleID: rounded })).field).toBe('saleID');
		expect(
			validationError(() =>
				buildUpgradeSubscriptionUrl(config, { ...sub, precedingSaleID: rounded }),
			).field,
		).toBe('precedingSaleID');
		expect(
			validationError(() => buildPurchaseUrl(config, { ...base, referenceID: rounded as never }))
				.field,
		).toBe('referenceID');
		expect(
			validationError(() => buildSubscriptionUrl(config, { ...sub, referenceID: 1.5 as never }))
				.field,
		).toBe('referenceID');
		// The status lookup by referenceID takes text as text; a rounded number is refused there too (asText).
		expect(
			validationError(() => buildStatusUrl(config, { referenceID: rounded as never })).field,
		).toBe('referenceID');
		for (const field of ['saleID', 'transactionID', 'parentID'] as const) {
			expect(
				validationError(() => buildSamplePostback(config, { event: 'credit', [field]: rounded }))
					.field,
			).toBe(field);
			expect(
				validationError(() => buildSamplePostback(config, { event: 'credit', [field]: -7 })).field,
			).toBe(field);
		}
	});

	test('whole numbers up to 2^53 - 1 keep working, as their digits; IDs as text keep all 20 digits', () => {
		expect(buildCancelSubscriptionUrl(config, { saleID: 433456 })).toContain('saleID=433456&');
		expect(buildCancelSubscriptionUrl(config, { saleID: '12345678901234567891' })).toContain(
			'saleID=12345678901234567891&',
		);
		expect(buildStatusUrl(config, { saleID: Number.MAX_SAFE_INTEGER })).toContain(
			'saleID=9007199254740991&',
		);
		const sample = buildSamplePostback(config, {
			event: 'credit',
			saleID: 433456,
			transactionID: 55502,
			parentID: '12345678901234567891',
		});
		expect(sample.params).toMatchObject({
			saleID: '433456',
			transactionID: '55502',
			parentID: '12345678901234567891',
		});
	});

	test('a Verotel ID is 1 to 20 digits in every builder (a 64-bit number), as in Subscription -> Cancel', () => {
		const error = validationError(() =>
			buildCancelSubscriptionUrl(config, { saleID: '1'.repeat(21) }),
		);
		expect(error.field).toBe('saleID');
		expect(error.hint).toMatch(/1 to 20 digits/);
		expect(validationError(() => buildStatusUrl(config, { saleID: '9'.repeat(64) })).field).toBe(
			'saleID',
		);
		expect(buildStatusUrl(config, { saleID: '9'.repeat(20) })).toContain(
			`saleID=${'9'.repeat(20)}&`,
		);
	});

	test('any other field refuses a number past 2^53 as well (its digits are gone), but keeps smaller numbers', () => {
		const error = validationError(() =>
			buildPurchaseUrl(config, { ...base, custom1: rounded as never }),
		);
		expect(error.field).toBe('custom1');
		expect(error.message).toMatch(
			/^custom1 is the number 12345678901234567000, larger than 9007199254740991: .* may not be the value that was sent$/,
		);
		expect(error.hint).toBe(
			'Pass custom1 as text with all its digits (a string field of the item); String() of the number keeps the rounded digits',
		);
		expect(buildPurchaseUrl(config, { ...base, custom1: 42 as never })).toContain('custom1=42');
	});
});
