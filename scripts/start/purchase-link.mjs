// A purchase link made by the Verotel FlexPay node in the running `npm start`: the order workflow
// called as a shop would, and the link's signature checked.
import { createRequire } from 'node:module';

import { EXAMPLES } from '../examples.mjs';
import { httpRequest } from '../n8n/http.mjs';

const require = createRequire(import.meta.url);

/** @returns {Promise<{ purchaseUrl: string, purchaseNote: string }>} purchaseUrl '' if the workflow failed (the note says why) */
export async function purchaseLink(n8n, shop) {
	const order = {
		orderId: `demo-${Date.now().toString(36)}`,
		amount: '9.99',
		currency: 'EUR',
		description: 'Demo: HD video download',
		email: 'buyer@example.com',
	};
	let purchaseUrl = '';
	let purchaseNote = '';
	try {
		const answer = await httpRequest(n8n.webhookUrl(EXAMPLES.order.webhookPath), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(order),
		});
		const body = JSON.parse(answer.body);
		if (answer.status !== 200 || !body.purchaseUrl)
			throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
		purchaseUrl = body.purchaseUrl;
		const { signature, ...params } = Object.fromEntries(new URL(purchaseUrl).searchParams);
		const lib = require('../../index.js');
		purchaseNote =
			lib.signRequest(shop.signatureKey, params) === signature
				? 'signature checked'
				: 'SIGNATURE DOES NOT VERIFY';
	} catch (error) {
		purchaseNote = `the order workflow failed: ${error.message}`;
	}
	return { purchaseUrl, purchaseNote };
}
