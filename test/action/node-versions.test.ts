/**
 * Saved workflows keep their meaning. n8n stores only the parameters that differ
 * from their defaults, under their paths, with the node's typeVersion. Version 2
 * changed defaults and paths (Payment Method outside Additional Fields, with
 * "Buyer Chooses on the Order Page" as the default; Period as a choice; MCC,
 * Sub-Creditor and One-Click Token under Advanced), so version 1 keeps the old
 * parameters. These workflows run through n8n's own engine (defaults and
 * `@version` display conditions resolved by n8n), against the TypeScript classes
 * and the built dist.
 */
import type { INodeParameters } from 'n8n-workflow';

import { actionWorkflow, runActionWorkflow, setUpEngineWithNock } from '../helpers/action-engine';
import { credentials, packages } from '../helpers/action-workflows';
import { referenceSignature } from '../helpers/flexpay-status-server';
import { OFFICIAL_KEY } from '../fixtures/vectors';

const OFFICIAL = { verotelFlexPayApi: { id: 'official', name: 'FlexPay' } };
const FLEXPAY = 'Verotel FlexPay';

/**
 * Links that version-1 nodes made before version 2 existed (0.1's parameters,
 * credential `official`: shop 60678, the official test key), pinned as made then.
 */
const V1_LINKS = {
	defaults:
		'https://secure.verotel.com/startorder?description=Premium+video+download&priceAmount=9.99&priceCurrency=EUR&shopID=60678&type=purchase&version=4&signature=74bafbfe0fe58badcdd04d5152a1927bc962d508c856e759da94d86ab037efc4',
	creditCardAndReference:
		'https://secure.verotel.com/startorder?description=Premium+video+download&paymentMethod=CC&priceAmount=9.99&priceCurrency=EUR&referenceID=order-1001&shopID=60678&type=purchase&version=4&signature=d0c7e6a967b35ee9f472815e3a1d6ab9a0eed16eb49fb0a92162c8c32b9f6be5',
	ideal:
		'https://secure.verotel.com/startorder?description=Premium+video+download&mcc=5999&paymentMethod=IDEAL&priceAmount=9.99&priceCurrency=EUR&shopID=60678&subCreditorCountry=NL&subCreditorId=sc-17&subCreditorName=Studio+B.V.&type=purchase&version=4&signature=ead7365dd762e236b3f5ce65b69d27fe0ddc31eea4054ce30d4d052056485ee9',
	subscription:
		'https://secure.verotel.com/startorder?name=Gold+membership&paymentMethod=CC&period=P1M&priceAmount=29.99&priceCurrency=USD&shopID=60678&subscriptionType=recurring&type=subscription&version=4&signature=9c2b13d46b3b3136a3451bb83ca6c24e8c07478cffa658af52dcaed18331016d',
	upgrade:
		'https://secure.verotel.com/startorder?period=P3M&precedingSaleID=433456&priceAmount=49.99&priceCurrency=USD&shopID=60678&subscriptionType=recurring&type=upgradesubscription&upgradeOption=lost&version=4&signature=45b665a3891bb14c9d755687566824a11092e5d140f2a01d337aff58bdd808f4',
};

/** PHP urlencode, written independently of the lib for expected URLs. */
const formEncode = (value: string) =>
	encodeURIComponent(value)
		.replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
		.replace(/%20/g, '+');

/** A startorder link of shop 60678 with these parameters, signed as computed independently. */
function link(params: Record<string, string>): string {
	const all: Record<string, string> = { ...params, shopID: '60678', version: '4' };
	const query = Object.keys(all)
		.sort()
		.map((key) => `${key}=${formEncode(all[key])}`)
		.join('&');
	return `https://secure.verotel.com/startorder?${query}&signature=${referenceSignature(OFFICIAL_KEY, all)}`;
}

const PURCHASE = { amount: '9.99', description: 'Premium video download' };
const IDEAL_FIELDS = {
	mcc: '5999',
	subCreditorName: 'Studio B.V.',
	subCreditorId: 'sc-17',
	subCreditorCountry: 'NL',
};

setUpEngineWithNock();

describe.each(packages)('saved workflows of each node version (%s)', (_label, load) => {
	/** The URL a node of this version with these saved parameters makes, or undefined without dist. */
	const urlOf = async (typeVersion: number, parameters: INodeParameters) => {
		const types = await load();
		if (!types) {
			console.warn('skipped: dist is not built (npm run build)');
			return undefined;
		}
		const result = await runActionWorkflow(
			actionWorkflow(parameters, { credentials: OFFICIAL, typeVersion }),
			credentials,
			types,
		);
		expect(result.failure()).toBeUndefined();
		return result.outputItems(FLEXPAY)?.[0]?.json.url;
	};
	const expectUrl = async (
		typeVersion: number,
		parameters: INodeParameters,
		expected: string,
	): Promise<void> => {
		const url = await urlOf(typeVersion, parameters);
		if (url !== undefined) expect(url).toBe(expected);
	};

	it('version 1 with the old parameters makes the same payment links as before', async () => {
		// No Payment Method saved: none sent, the buyer chooses (as in 0.1).
		await expectUrl(1, PURCHASE, V1_LINKS.defaults);
		await expectUrl(
			1,
			{ ...PURCHASE, additionalFields: { paymentMethod: 'CC', referenceID: 'order-1001' } },
			V1_LINKS.creditCardAndReference,
		);
		await expectUrl(
			1,
			{ ...PURCHASE, additionalFields: { paymentMethod: 'IDEAL', ...IDEAL_FIELDS } },
			V1_LINKS.ideal,
		);
		await expectUrl(
			1,
			{
				operation: 'createSubscriptionUrl',
				amount: '29.99',
				currency: 'USD',
				period: 'P1M',
				additionalFields: { name: 'Gold membership', paymentMethod: 'CC' },
			},
			V1_LINKS.subscription,
		);
		await expectUrl(
			1,
			{
				operation: 'createUpgradeSubscriptionUrl',
				precedingSaleID: '433456',
				amount: '49.99',
				currency: 'USD',
				period: 'P3M',
				additionalFields: { upgradeOption: 'lost' },
			},
			V1_LINKS.upgrade,
		);
	});

	it('the pinned version-1 links are the links as signed independently', () => {
		expect(V1_LINKS.defaults).toBe(
			link({
				description: 'Premium video download',
				priceAmount: '9.99',
				priceCurrency: 'EUR',
				type: 'purchase',
			}),
		);
		expect(V1_LINKS.ideal).toBe(
			link({
				description: 'Premium video download',
				paymentMethod: 'IDEAL',
				priceAmount: '9.99',
				priceCurrency: 'EUR',
				type: 'purchase',
				...IDEAL_FIELDS,
			}),
		);
	});

	it('version 2 with its defaults: the buyer chooses the payment method, one month', async () => {
		await expectUrl(
			2,
			PURCHASE,
			link({
				description: 'Premium video download',
				priceAmount: '9.99',
				priceCurrency: 'EUR',
				type: 'purchase',
			}),
		);
		await expectUrl(
			2,
			{
				operation: 'createSubscriptionUrl',
				amount: '29.99',
				currency: 'USD',
				additionalFields: { name: 'Gold membership' },
			},
			link({
				name: 'Gold membership',
				period: 'P1M',
				priceAmount: '29.99',
				priceCurrency: 'USD',
				subscriptionType: 'recurring',
				type: 'subscription',
			}),
		);
	});

	it('version 2 with its new parameters makes the links version 1 made with the old ones', async () => {
		await expectUrl(
			2,
			{ ...PURCHASE, paymentMethod: 'CC', additionalFields: { referenceID: 'order-1001' } },
			V1_LINKS.creditCardAndReference,
		);
		await expectUrl(
			2,
			{ ...PURCHASE, paymentMethod: 'IDEAL', advanced: IDEAL_FIELDS },
			V1_LINKS.ideal,
		);
		await expectUrl(
			2,
			{
				operation: 'createSubscriptionUrl',
				amount: '29.99',
				currency: 'USD',
				paymentMethod: 'CC',
				additionalFields: { name: 'Gold membership' },
			},
			V1_LINKS.subscription,
		);
		await expectUrl(
			2,
			{
				operation: 'createUpgradeSubscriptionUrl',
				precedingSaleID: '433456',
				amount: '49.99',
				currency: 'USD',
				period: 'P3M',
				additionalFields: { upgradeOption: 'lost' },
			},
			V1_LINKS.upgrade,
		);
	});

	it('version 2 Period: Custom sends Custom Period; an expression may give any duration', async () => {
		const subscription = (parameters: INodeParameters) => ({
			operation: 'createSubscriptionUrl',
			amount: '29.99',
			subscriptionType: 'one-time',
			...parameters,
		});
		const expected = (period: string) =>
			link({
				period,
				priceAmount: '29.99',
				priceCurrency: 'EUR',
				subscriptionType: 'one-time',
				type: 'subscription',
			});
		await expectUrl(2, subscription({ period: 'custom', customPeriod: 'P14D' }), expected('P14D'));
		await expectUrl(2, subscription({ period: '={{ "P2" + "W" }}' }), expected('P2W'));
		await expectUrl(2, subscription({ period: 'P1Y' }), expected('P1Y'));
	});

	it('version 2 Period: an empty Custom Period is refused, naming Period', async () => {
		const types = await load();
		if (!types) return;
		const result = await runActionWorkflow(
			actionWorkflow(
				{ operation: 'createSubscriptionUrl', amount: '29.99', period: 'custom' },
				{ credentials: OFFICIAL, typeVersion: 2 },
			),
			credentials,
			types,
		);
		expect(result.run.status).toBe('error');
		expect(result.run.data.resultData.error).toMatchObject({
			message: expect.stringContaining('period'),
			description: expect.stringContaining('Parameter: Period.'),
		});
	});
});
