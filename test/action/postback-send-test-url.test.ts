/**
 * Postback -> Send Test Postback sends only to n8n webhook URLs of a Verotel
 * FlexPay Trigger (issue 18): the path must end in /<webhookId>/webhook, the
 * webhookId being the UUID n8n gives the node (n8n-workflow
 * getNodeWebhookPath: `${node.webhookId}/${path}`, the trigger's path being
 * `webhook`), after any prefix (/webhook/, /webhook-test/, a configured
 * endpoint, a proxy's sub-path). Anything else is a field error before any
 * request; a redirect is not followed; the answer shows only an excerpt.
 * Through n8n's engine against a real local receiver.
 */
import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { VerotelFlexPay } from '../../nodes/VerotelFlexPay/VerotelFlexPay.node';
import { ACTION_NODE_NAME as FLEXPAY } from '../helpers/action-engine';
import {
	answerWith,
	base,
	nodeErrorOf,
	onlyItem,
	PATH,
	received,
	run,
	setUpReceiver,
	text,
} from '../helpers/send-test-postback';

setUpReceiver();

const UUID = '3b0c7a52-9d1e-4f6a-8b2c-5e7f9a1b3c4d';
const NOT_A_TRIGGER =
	/^URL is not the address of a Verotel FlexPay Trigger: its path must end in \/<webhook ID>\/webhook$/;

describe('Send Test Postback: only n8n webhook URLs of a trigger', () => {
	it('refuses an internal-looking URL (http://127.0.0.1:…/admin) before any request is made', async () => {
		answerWith(text(200, 'secret admin page'));
		const result = await run({ url: `${base}/admin`, event: 'purchase' });
		const error = nodeErrorOf(result);
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.message).toMatch(NOT_A_TRIGGER);
		expect(error.description).toBe(
			"Parameter: URL. The node sends test postbacks only to n8n webhook URLs of a Verotel FlexPay Trigger: n8n's webhook prefix (such as /webhook/ or /webhook-test/), the trigger's webhook ID (a UUID) and /webhook, e.g. https://n8n.example.com/webhook/8d0f2b4c-6e8a-4c1d-9f3b-7a9c1e3d5f01/webhook. Copy the Test URL or the Production URL from the trigger's panel.",
		);
		expect(received).toEqual([]);
		expect(JSON.stringify(result.run)).not.toContain('secret admin page');
	});

	it.each([
		['a path without webhook ID', '/webhook/webhook'],
		['a webhook ID that is no UUID', '/webhook/3b0c7a52/webhook'],
		['another path after the webhook ID', `/webhook/${UUID}/admin`],
		['the webhook ID alone', `/webhook/${UUID}`],
		['a trailing slash', `/webhook/${UUID}/webhook/`],
		['more after /webhook', `/webhook/${UUID}/webhook/x`],
		['another trigger path than webhook', `/webhook/${UUID}/Webhook`],
		['an encoded slash in the prefix', `/admin%2F..%2F/${UUID}/webhook`],
		['a semicolon in the prefix', `/admin;x=1/${UUID}/webhook`],
		['the root', '/'],
	])('refuses %s before any request', async (_label, path) => {
		const error = nodeErrorOf(await run({ url: `${base}${path}`, event: 'purchase' }));
		expect(error.name).toBe(NodeOperationError.name);
		expect(error.message).toMatch(NOT_A_TRIGGER);
		expect(error.description).toMatch(/^Parameter: URL\. /);
		expect(received).toEqual([]);
	});

	it.each([
		['a Production URL', `/webhook/${UUID}/webhook`],
		['a Test URL', `/webhook-test/${UUID}/webhook`],
		['a configured webhook endpoint', `/hooks/${UUID}/webhook`],
		[
			'behind a proxy sub-path, the UUID in upper case',
			`/tools/n8n/webhook/${UUID.toUpperCase()}/webhook`,
		],
	])('sends to %s', async (_label, path) => {
		const item = onlyItem(await run({ url: `${base}${path}`, event: 'purchase' }));
		expect(item.json).toMatchObject({
			url: `${base}${path}`,
			statusCode: 200,
			body: 'OK',
			ok: true,
		});
		expect(received).toHaveLength(1);
		expect(received[0].url.startsWith(`${path}?`)).toBe(true);
	});

	it('checks the path as the URL parser resolves it: /admin/../webhook/<id>/webhook is sent to /webhook/<id>/webhook', async () => {
		const item = onlyItem(
			await run({ url: `${base}/admin/../webhook/${UUID}/webhook`, event: 'purchase' }),
		);
		expect(item.json.url).toBe(`${base}/webhook/${UUID}/webhook`);
		expect(received[0].url.startsWith(`/webhook/${UUID}/webhook?`)).toBe(true);
	});

	it('does not follow a redirect: one request, the 3xx is the answer, with a hint', async () => {
		answerWith((_req, res) => {
			res.writeHead(302, { location: `${base}/admin`, 'content-type': 'text/plain' });
			res.end('Found');
		});
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect(received).toHaveLength(1);
		expect(received[0].url.startsWith(`${PATH}?`)).toBe(true);
		expect(item.json).toMatchObject({ statusCode: 302, body: 'Found', ok: false });
		expect(item.json.hint).toMatch(/redirect, which the node does not follow/);
	});

	it('On Error "continue": a refused URL becomes an error item (paired), the other item is sent', async () => {
		const result = await run(
			{ url: `={{ $json.good ? '${base}${PATH}' : '${base}/admin' }}`, event: 'purchase' },
			{ onError: 'continueRegularOutput', items: [{ good: false }, { good: true }] },
		);
		expect(result.run.status).toBe('success');
		const items = result.outputItems(FLEXPAY)!;
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(NOT_A_TRIGGER);
		expect(items[1].json).toMatchObject({ ok: true, statusCode: 200 });
		expect(received).toHaveLength(1);
	});

	it('the URL parameter says which URLs are accepted', () => {
		const url = new VerotelFlexPay().description.properties.find(
			(p: INodeProperties) =>
				p.name === 'url' && p.displayOptions?.show?.operation?.includes('sendTestPostback'),
		);
		expect(url?.description).toMatch(
			/Only such n8n webhook URLs are accepted: .*the path ending in the webhook ID n8n gave the trigger \(a UUID\) and \/webhook/,
		);
		expect(url?.placeholder).toMatch(
			/^e\.g\. http:\/\/localhost:5678\/webhook-test\/[0-9a-f-]{36}\/webhook$/,
		);
	});
});
