import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { formatPositiveAmount, type SignedRequest } from '../../../lib';

/** A parameter value as the lib takes it; anything else is refused by the lib with a clear message. */
export type ParamInput = string | number | boolean | undefined;

/** The output of a Payment Link operation: the URL, then every parameter it carries. */
export function signedRequestToJson(request: SignedRequest): IDataObject {
	return { url: request.url, ...request.params };
}

/** The values a user actually set, under their protocol names. */
export function pickFields(
	source: IDataObject,
	names: readonly string[],
): Record<string, ParamInput> {
	const picked: Record<string, ParamInput> = {};
	for (const name of names) {
		const value = source[name];
		if (value === undefined || value === null || value === '') continue;
		picked[name] = value as ParamInput;
	}
	return picked;
}

/**
 * Amount and currency, the two required fields every payment link has. A
 * purchase or subscription the buyer pays must charge something; only an
 * upgrade may cost 0.00 (`allowZero`), as in Verotel's official upgrade vector,
 * where a trial carries the charge. The lib itself keeps 0.00 for the vectors.
 */
export function readPrice(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{ allowZero = false }: { allowZero?: boolean } = {},
): { priceAmount: string; priceCurrency: string } {
	const amount = ctx.getNodeParameter('amount', itemIndex) as string;
	return {
		priceAmount: allowZero ? amount : formatPositiveAmount('priceAmount', amount),
		priceCurrency: ctx.getNodeParameter('currency', itemIndex) as string,
	};
}

/** The required terms of a subscription and of its upgrade. */
export function readSubscriptionTerms(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { subscriptionType: string; period: string } {
	return {
		subscriptionType: ctx.getNodeParameter('subscriptionType', itemIndex) as string,
		period: ctx.getNodeParameter('period', itemIndex) as string,
	};
}

/**
 * What a subscription link and an upgrade link both read: the given additional
 * fields, the price (an upgrade passes `allowZero`) and the terms.
 */
export function readSubscriptionLink(
	ctx: IExecuteFunctions,
	itemIndex: number,
	additional: readonly string[],
	price: { allowZero?: boolean } = {},
): Record<string, ParamInput> &
	ReturnType<typeof readPrice> &
	ReturnType<typeof readSubscriptionTerms> {
	const extra = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	return {
		...pickFields(extra, additional),
		...readPrice(ctx, itemIndex, price),
		...readSubscriptionTerms(ctx, itemIndex),
	};
}
