import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { SignedRequest } from '../../../lib';

/** A parameter value as the lib takes it; anything else is refused by the lib with a clear message. */
export type ParamInput = string | number | boolean | undefined;

/** The output of a Payment Link operation: the URL, then every parameter it carries. */
export function signedRequestToJson(request: SignedRequest): IDataObject {
	return { url: request.url, ...request.params };
}

/** The values a user actually set, under their protocol names. */
export function pickFields(source: IDataObject, names: readonly string[]): Record<string, ParamInput> {
	const picked: Record<string, ParamInput> = {};
	for (const name of names) {
		const value = source[name];
		if (value === undefined || value === null || value === '') continue;
		picked[name] = value as ParamInput;
	}
	return picked;
}

/** Amount and currency, the two required fields every order operation has. */
export function readPrice(ctx: IExecuteFunctions, itemIndex: number): { priceAmount: string; priceCurrency: string } {
	return {
		priceAmount: ctx.getNodeParameter('amount', itemIndex) as string,
		priceCurrency: ctx.getNodeParameter('currency', itemIndex) as string,
	};
}

/** The required terms of a subscription and of its upgrade. */
export function readSubscriptionTerms(ctx: IExecuteFunctions, itemIndex: number): { subscriptionType: string; period: string } {
	return {
		subscriptionType: ctx.getNodeParameter('subscriptionType', itemIndex) as string,
		period: ctx.getNodeParameter('period', itemIndex) as string,
	};
}
