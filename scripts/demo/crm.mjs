// The CRM stand-in of the demo services: just enough state for the templates of examples/:
// token balances (POST /crm/tokens/credit|debit), memberships (POST /crm/members/grant|extend|revoke,
// GET /crm/members?active=true), decisions flagged for a person (POST /crm/reviews) and orders
// (GET /crm/orders?status=unpaid, POST /crm/orders/<referenceID>/fulfil); for the chargeback
// alert: sales (POST /crm/sales, PATCH /crm/sales/<saleID>, GET /crm/sales/stats?days=30; the
// token and membership calls count as their sales too) and blocked buyers (POST /crm/users/block).
// Any other /crm/ request is answered {"ok":true}.

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The CRM stand-in's state and rules. Every change is keyed by the request's idempotencyKey: a
 * repeated key changes nothing and is answered { ok: true, duplicate: true }.
 */
export function createCrm() {
	const state = {
		/** user (custom1) -> token balance */
		tokens: new Map(),
		/** saleID -> { saleID, user, until, untilSource?, active, replacedBy?, revokedAt?, revokedBy? } */
		members: new Map(),
		/** what the workflows flagged for a person: { saleID, user, event, action, reason, … } */
		reviews: [],
		/** referenceID -> { referenceID, amount, currency, status: 'unpaid' | 'paid', saleID?, fulfilments } */
		orders: new Map(),
		/** referenceID -> the sale-status fields Verotel answers for it */
		orderSales: new Map(),
		/** saleID -> { saleID, soldAt?, status, chargedBackAt?, refundedAt? } (times in ms) */
		sales: new Map(),
		/** user (custom1) -> { user, saleID, reason, blockedAt } */
		blocked: new Map(),
		/** idempotency keys already applied */
		applied: new Set(),
	};
	const ok = (answer = {}) => ({ status: 200, answer: { ok: true, ...answer } });
	const bad = (message) => ({ status: 400, answer: { ok: false, error: message } });

	/** Apply `change` once per idempotency key (a request without a key is applied every time). */
	function once(body, change) {
		const key = body?.idempotencyKey;
		if (key !== undefined && state.applied.has(key)) return ok({ duplicate: true });
		const result = change();
		if (result.status === 200 && key !== undefined) state.applied.add(key);
		return result;
	}

	/**
	 * What a token or membership call tells of its sale, for the chargeback alert's counts: as a real
	 * CRM, this one counts every sale it knows, not only those POST /crm/sales recorded.
	 */
	function countSale({ saleID, event, replacedBy }) {
		// The sale an upgrade replaces was counted when it was sold.
		if (!saleID || replacedBy) return;
		const sale = state.sales.get(saleID) ?? { saleID, status: 'paid' };
		const now = Date.now();
		if (['purchase', 'initial', 'upgrade'].includes(event)) sale.soldAt ??= now;
		if (event === 'chargeback') sale.chargedBackAt ??= now;
		if (event === 'credit') sale.refundedAt ??= now;
		state.sales.set(saleID, sale);
	}

	function tokens(body, sign) {
		if (!body?.user || !Number.isInteger(body.tokens) || body.tokens < 0)
			return bad('user and a whole number of tokens are required');
		return once(body, () => {
			const balance = (state.tokens.get(body.user) ?? 0) + sign * body.tokens;
			state.tokens.set(body.user, balance);
			countSale(body);
			return ok({ user: body.user, balance });
		});
	}

	function handle({ method, path, query, body }) {
		if (method === 'POST' && path === '/crm/tokens/credit') return tokens(body, 1);
		if (method === 'POST' && path === '/crm/tokens/debit') return tokens(body, -1);
		if (method === 'GET' && path === '/crm/members') {
			const active = query?.active === undefined ? undefined : query.active === 'true';
			const members = [...state.members.values()].filter(
				(m) => active === undefined || m.active === active,
			);
			return ok({ members });
		}
		if (method === 'POST' && path === '/crm/reviews') {
			if (!body?.reason) return bad('reason is required');
			return once(body, () => {
				state.reviews.push(body);
				return ok();
			});
		}
		if (method === 'POST' && path.startsWith('/crm/members/')) {
			if (!body?.saleID) return bad('saleID is required');
			const action = path.slice('/crm/members/'.length);
			return once(body, () => {
				countSale(body);
				const member = state.members.get(body.saleID);
				if (action === 'grant') {
					// The replaced sale (an upgrade) is ended by the workflow's own revoke call, as a real CRM
					// would need it; this stand-in only stores what it is told.
					state.members.set(body.saleID, {
						saleID: body.saleID,
						user: body.user ?? member?.user,
						until: body.until ?? null,
						...(body.untilSource ? { untilSource: body.untilSource } : {}),
						active: true,
					});
					return ok({ member: state.members.get(body.saleID) });
				}
				if (!member)
					return {
						status: 404,
						answer: { ok: false, error: `no membership for sale ${body.saleID}` },
					};
				if (action === 'extend')
					Object.assign(member, {
						until: body.until ?? member.until,
						...(body.until && body.untilSource ? { untilSource: body.untilSource } : {}),
						active: true,
					});
				else if (action === 'revoke')
					Object.assign(member, {
						active: false,
						revokedAt: new Date().toISOString(),
						revokedBy: body.event,
						...(body.replacedBy ? { replacedBy: body.replacedBy } : {}),
					});
				else return { status: 404, answer: { ok: false, error: 'not found' } };
				return ok({ member });
			});
		}
		if (method === 'POST' && path === '/crm/sales') {
			if (!body?.saleID) return bad('saleID is required');
			// A sale is recorded once per saleID; its time is when the postback arrived.
			const sale = state.sales.get(body.saleID) ?? { saleID: body.saleID, status: 'paid' };
			sale.soldAt ??= timeOf(body.receivedAt);
			state.sales.set(body.saleID, sale);
			return ok({ sale });
		}
		const saleUpdate = /^\/crm\/sales\/([^/]+)$/.exec(path);
		if (method === 'PATCH' && saleUpdate) {
			const saleID = decodeURIComponent(saleUpdate[1]);
			// A chargeback of a sale recorded before the CRM knew it still counts as a chargeback.
			const sale = state.sales.get(saleID) ?? { saleID };
			const at = timeOf(body?.receivedAt);
			if (body?.status === 'charged back') sale.chargedBackAt ??= at;
			if (body?.status === 'refunded') sale.refundedAt ??= at;
			if (body?.status) sale.status = body.status;
			state.sales.set(saleID, sale);
			return ok({ sale });
		}
		if (method === 'GET' && path === '/crm/sales/stats') {
			const days = Number(query?.days);
			if (!Number.isInteger(days) || days < 1) return bad('days must be a whole number of days');
			const since = Date.now() - days * DAY_MS;
			const sales = [...state.sales.values()];
			return ok({
				days,
				sales: sales.filter((s) => s.soldAt >= since).length,
				chargebacks: sales.filter((s) => s.chargedBackAt >= since).length,
				refunds: sales.filter((s) => s.refundedAt >= since).length,
			});
		}
		if (method === 'POST' && path === '/crm/users/block') {
			if (!body?.user) return bad('user is required');
			return once(body, () => {
				state.blocked.set(body.user, {
					user: body.user,
					saleID: body.saleID,
					reason: body.reason,
					blockedAt: new Date().toISOString(),
				});
				return ok({ blocked: state.blocked.get(body.user) });
			});
		}
		if (method === 'GET' && path === '/crm/orders') {
			const orders = [...state.orders.values()].filter(
				(o) => !query?.status || o.status === query.status,
			);
			return ok({
				orders: orders.map(({ referenceID, amount, currency, status }) => ({
					referenceID,
					amount,
					currency,
					status,
				})),
			});
		}
		const fulfil = /^\/crm\/orders\/([^/]+)\/fulfil$/.exec(path);
		if (method === 'POST' && fulfil) {
			const order = state.orders.get(decodeURIComponent(fulfil[1]));
			if (!order) return { status: 404, answer: { ok: false, error: 'no such order' } };
			return once(body, () => {
				order.fulfilments += 1;
				Object.assign(order, { status: 'paid', saleID: body?.saleID ?? order.saleID });
				return ok({ order });
			});
		}
		return ok();
	}

	/** A request's time (ISO 8601) in ms, or now. */
	function timeOf(iso) {
		const ms = Date.parse(iso ?? '');
		return Number.isNaN(ms) ? Date.now() : ms;
	}

	function addOrder({ referenceID, amount = '9.99', currency = 'EUR', sale }) {
		state.orders.set(referenceID, {
			referenceID,
			amount,
			currency,
			status: 'unpaid',
			fulfilments: 0,
		});
		if (sale) state.orderSales.set(referenceID, sale);
		else state.orderSales.delete(referenceID);
		return state.orders.get(referenceID);
	}

	return {
		state,
		handle,
		addOrder,
		saleOfOrder: (referenceID) => state.orderSales.get(referenceID),
	};
}
