// Verotel's FlexPay order page as a stand-in of the demo services (GET /startorder): it checks a
// purchase link's signature and its "Pay" button (POST /startorder/pay) sends the signed purchase
// postback Verotel would send to the n8n trigger.

const escapeHtml = (text) =>
	String(text).replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
	);

/**
 * A stand-in for Verotel's order page: checks the link's signature the way FlexPay does and offers
 * a "Pay" button that makes the demo send the signed purchase postback Verotel would send.
 */
export function orderPage(lib, flexpay, query) {
	let params = {};
	let valid = false;
	let problem = '';
	try {
		params = lib.parseRawQuery(query);
		const { signature, ...rest } = params;
		if (rest.shopID !== String(flexpay.shopId))
			problem = `the link is for shop ${rest.shopID}, this demo serves shop ${flexpay.shopId}`;
		else if (
			!signature ||
			lib.signRequest(flexpay.signatureKey, rest) !== String(signature).toLowerCase()
		)
			problem = 'the signature does not match';
		else valid = true;
	} catch (error) {
		problem = error.message;
	}
	const rows = Object.entries(params)
		.filter(([key]) => key !== 'signature')
		.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
		.join('');
	const shell = (body) =>
		`<!doctype html><html><head><meta charset="utf-8"><title>Demo order page</title><style>body{font-family:sans-serif;max-width:40em;margin:2em auto}th{text-align:left;padding-right:1em}.ok{color:#080}.bad{color:#b00}</style></head><body><h1>Demo order page</h1><p>This page stands in for Verotel's FlexPay order page (<code>npm start</code> demo).</p>${body}</body></html>`;
	const html = shell(
		valid
			? `<p class="ok">Signature valid: this link was signed with the shop's key.</p><table>${rows}</table><form method="post" action="/startorder/pay"><input type="hidden" name="order" value="${escapeHtml(query)}"><p><button type="submit">Pay ${escapeHtml(params.priceAmount ?? '')} ${escapeHtml(params.priceCurrency ?? '')} (simulated)</button></p></form><p>"Pay" sends the signed purchase postback Verotel would send to your n8n trigger.</p>`
			: `<p class="bad">This link would be refused: ${escapeHtml(problem)}.</p><table>${rows}</table>`,
	);
	const paidHtml = (saleId, answer) =>
		shell(
			`<p class="${answer.status === 200 && answer.body === 'OK' ? 'ok' : 'bad'}">Paid (simulated): sale ${escapeHtml(saleId)}. The n8n trigger answered HTTP ${answer.status} <code>${escapeHtml(answer.body)}</code> in ${Math.round(answer.ms)} ms.</p><p>The workflow now looks the sale up, e-mails the buyer and records the sale in the CRM: watch the terminal that runs <code>npm start</code>.</p>`,
		);
	return { valid, params, html, paidHtml };
}

/**
 * The demo order page's "Pay" button: a signed purchase postback for that order, sent to the
 * trigger at `postbackUrl`. `beforeSend(saleId, order)` runs before the postback leaves (the sale
 * status service must know the sale by then: the workflow looks it up).
 * @returns {Promise<{ saleId: string, order: Record<string,string>, answer: { status: number, body: string, ms: number }, html: string }>}
 */
export async function payOrder({ lib, flexpay, postbackUrl, orderQuery, beforeSend }) {
	const page = orderPage(lib, flexpay, orderQuery);
	if (!page.valid) throw new Error('the order link is not correctly signed');
	if (!postbackUrl) throw new Error('no postback URL configured');
	const { buildPostback, sendPostback } = await import('../postback.mjs');
	const order = page.params;
	const saleId = String(Math.floor(1e6 + Math.random() * 9e6));
	beforeSend(saleId, order);
	const query = buildPostback({
		event: 'purchase',
		saleId,
		referenceId: order.referenceID,
		amount: order.priceAmount,
		currency: order.priceCurrency,
		custom1: order.custom1,
		shopId: flexpay.shopId,
		key: flexpay.signatureKey,
		// The order page stands in for Verotel: its postback is what Verotel would send, no test marker.
		asVerotel: true,
	});
	const answer = await sendPostback(postbackUrl, query);
	return { saleId, order, answer, html: page.paidHtml(saleId, answer) };
}
