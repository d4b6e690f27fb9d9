/**
 * Postback -> Send Test Postback, what it sends: its parameters, and for every
 * event a GET whose query is a postback the protocol core verifies with the
 * credential's key, carrying the event's parameters and the options given.
 */
import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { parsePostback, parseRawQuery, POSTBACK_EVENTS, SAMPLE_POSTBACK_DEFAULTS } from '../../lib';
import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { ACTION_NODE_NAME as FLEXPAY } from '../helpers/action-engine';
import { TEST_SHOP_ID } from '../fixtures/flexpay';
import {
	base,
	config,
	onlyItem,
	PATH,
	rawQuery,
	received,
	run,
	setUpReceiver,
} from '../helpers/send-test-postback';

setUpReceiver();

describe('Send Test Postback: parameters', () => {
	const shown = new VerotelFlexPay().description.properties.filter((p) =>
		p.displayOptions?.show?.operation?.includes('sendTestPostback'),
	);

	it('URL (required), Event (every postback event, default purchase) and Options', () => {
		expect(shown.map((p) => [p.name, p.type, p.required ?? false])).toEqual([
			['url', 'string', true],
			['event', 'options', false],
			['options', 'collection', false],
		]);
		const events = (shown[1].options as INodePropertyOptions[]).map((o) => o.value);
		expect([...events].sort()).toEqual([...POSTBACK_EVENTS].sort());
		expect(shown[1].default).toBe('purchase');
		const options = shown[2].options as INodeProperties[];
		expect(options.map((o) => [o.name, o.default])).toEqual([
			['amount', SAMPLE_POSTBACK_DEFAULTS.amount],
			['buyerEmail', ''],
			['currency', SAMPLE_POSTBACK_DEFAULTS.currency],
			['custom1', ''],
			['referenceID', ''],
			['saleID', ''],
			['timeout', 30000],
		]);
	});
});

describe('Send Test Postback: what is sent', () => {
	it.each(POSTBACK_EVENTS.map((event) => [event]))(
		'%s: a GET whose query verifies with the key, answered 200 OK -> ok: true',
		async (event) => {
			const result = await run({ url: `${base}${PATH}`, event });
			const item = onlyItem(result);
			expect(item.pairedItem).toEqual({ item: 0 });

			expect(received).toHaveLength(1);
			expect(received[0].method).toBe('GET');
			expect(received[0].url.startsWith(`${PATH}?`)).toBe(true);
			const query = rawQuery(received[0]);
			// The protocol core verifies exactly the bytes that arrived, with the credential's key.
			const postback = parsePostback(query, config, { allowSha1: false });
			expect(postback.event).toBe(event);
			expect(postback.params.shopID).toBe(TEST_SHOP_ID);
			if (event === 'purchase') expect(postback.params).not.toHaveProperty('event');
			else expect(postback.params.event).toBe(event);
			expect(postback.params.type).toBe(
				['purchase', 'credit', 'chargeback'].includes(event) ? 'purchase' : 'subscription',
			);
			expect(postback.amountString).toBe('9.99');
			expect(postback.params[event === 'rebill' ? 'amount' : 'priceAmount']).toBe('9.99');
			expect(postback.params.parentID !== undefined).toBe(
				event === 'credit' || event === 'chargeback',
			);

			expect(item.json).toEqual({
				url: `${base}${PATH}`,
				event,
				saleID: postback.saleID,
				params: parseRawQuery(query),
				statusCode: 200,
				body: 'OK',
				ok: true,
			});
			expect(item.json.saleID).toMatch(/^[1-9]\d{6}$/);
			expect((item.json.params as IDataObject).signature).toMatch(/^[0-9a-f]{64}$/);
		},
	);

	it('Options: Sale ID, Reference ID, Amount, Currency, Custom 1 and Buyer Email are sent as given, signed', async () => {
		const result = await run({
			url: `${base}${PATH}#ignored`,
			event: 'credit',
			options: {
				saleID: '433456',
				referenceID: 'order 1001',
				amount: '19.9',
				currency: 'USD',
				custom1: 'user-42',
				buyerEmail: 'me@shop.example',
				timeout: 5000,
			},
		});
		const item = onlyItem(result);
		const postback = parsePostback(rawQuery(received[0]), config);
		expect(postback.params).toMatchObject({
			saleID: '433456',
			referenceID: 'order 1001',
			priceAmount: '19.90',
			priceCurrency: 'USD',
			custom1: 'user-42',
			event: 'credit',
			// The sample sale's e-mail for the trigger's Fetch Sale Details.
			testBuyerEmail: 'me@shop.example',
		});
		expect(rawQuery(received[0])).toContain('referenceID=order+1001');
		expect(item.json).toMatchObject({
			url: `${base}${PATH}`,
			event: 'credit',
			saleID: '433456',
			ok: true,
		});
	});

	it('every item sends its own postback (random sale IDs, expressions per item), each output paired with its input', async () => {
		const result = await run(
			{
				url: `${base}${PATH}`,
				event: '={{ $json.event }}',
				options: { custom1: '={{ $json.user }}' },
			},
			{
				items: [
					{ event: 'purchase', user: 'u-1' },
					{ event: 'rebill', user: 'u-2' },
				],
			},
		);
		expect(result.failure()).toBeUndefined();
		const items = result.outputItems(FLEXPAY)!;
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(received).toHaveLength(2);
		const sent = received.map((request) => parsePostback(rawQuery(request), config));
		expect(sent.map((postback) => [postback.event, postback.custom1])).toEqual([
			['purchase', 'u-1'],
			['rebill', 'u-2'],
		]);
		expect(items.map((item) => item.json.saleID)).toEqual(sent.map((postback) => postback.saleID));
		expect(sent[0].saleID).not.toBe(sent[1].saleID);
	});
});
