// Verotel's sale status service as a stand-in of the demo services (GET /salestatus): what it
// knows of a sale comes from the demo shop (every sale exists, at 9.99 EUR), the demo order page
// (the sales "paid" there, at their price), what a test tells it (setSale: a sale at its price, or
// one it does not know) and the CRM (the sale of an order, by referenceID).

/**
 * @param {object} options
 * @param {{ parseRawQuery: Function, signRequest: Function }} options.lib the protocol core (index.js)
 * @param {{ shopId: string, signatureKey: string }} options.flexpay the shop it serves
 * @param {(saleID: string) => Record<string,string> | undefined} options.saleFor status fields for a sale, undefined = NOTFOUND
 * @param {(referenceID: string) => Record<string,string> | undefined} options.saleOfOrder the sale of a CRM order
 */
export function createSaleStatus({ lib, flexpay, saleFor, saleOfOrder }) {
	/** saleID -> status fields over saleFor's, or null for a sale the service does not know. */
	const sales = new Map();
	const statusFor = (lookup) => {
		// By referenceID: the sale of a CRM order, if Verotel "has" one (addOrder({ sale })).
		if (lookup.referenceID !== undefined) return saleOfOrder(lookup.referenceID);
		const saleID = lookup.saleID;
		if (saleID === undefined) return undefined;
		const known = sales.get(saleID);
		if (known === null) return undefined;
		const base = saleFor(saleID);
		return known && base ? { ...base, ...known } : base;
	};
	const setSale = (saleId, fields) =>
		sales.set(String(saleId), fields === null ? null : { ...fields });
	return {
		/** The service's answer to the query string of a status request. */
		answer: (query) => statusAnswer(lib, flexpay, query, statusFor),
		/**
		 * What the service answers for a sale from now on: `fields` over the demo shop's made-up
		 * sale (e.g. `{ priceAmount: '19.90' }`, the price the postback will name), or null for a
		 * sale it does not know (NOTFOUND).
		 */
		setSale,
		/** A sale paid on the demo order page: from now on its status carries the order's price and buyer. */
		recordPaid(saleId, order) {
			setSale(saleId, {
				priceAmount: order.priceAmount,
				priceCurrency: order.priceCurrency,
				...(order.email ? { email: order.email } : {}),
			});
		},
	};
}

/** Verotel's status service as far as the evidence goes: signed request, `key: value` answer. */
function statusAnswer(lib, flexpay, query, saleFor) {
	let params;
	try {
		params = lib.parseRawQuery(query);
	} catch {
		return 'response: ERROR\nerror: Malformed request\n';
	}
	const { signature, ...rest } = params;
	if (
		rest.shopID !== String(flexpay.shopId) ||
		!signature ||
		lib.signRequest(flexpay.signatureKey, rest) !== signature.toLowerCase()
	) {
		return 'response: ERROR\nerror: Invalid signature\n';
	}
	const sale = saleFor({ saleID: rest.saleID, referenceID: rest.referenceID });
	if (!sale) return 'response: NOTFOUND\n';
	const identity =
		rest.saleID !== undefined ? { saleID: rest.saleID } : { referenceID: rest.referenceID };
	return [
		'response: FOUND',
		...Object.entries({ shopID: rest.shopID, ...identity, ...sale }).map(([k, v]) => `${k}: ${v}`),
		'',
	].join('\n');
}

/** The demo shop knows every sale: a made-up buyer per saleID. */
export function demoSale(saleID) {
	return {
		saleResult: 'APPROVED',
		priceAmount: '9.99',
		priceCurrency: 'EUR',
		email: `buyer-${saleID}@example.com`,
		createdOn: new Date().toISOString().slice(0, 19).replace('T', ' '),
		billingAddr_fullName: 'Demo Buyer',
		billingAddr_city: 'Amsterdam',
		billingAddr_country: 'NL',
	};
}
