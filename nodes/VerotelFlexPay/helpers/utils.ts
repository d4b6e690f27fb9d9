import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { formatPositiveAmount, type SignedRequest } from '../../../lib';
import { BUYER_CHOOSES, CUSTOM_PERIOD } from './descriptions';

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

/** Version 2 of the node (NODE_VERSIONS in descriptions.ts); version 1 keeps the parameters of 0.1. */
function isVersion2(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().typeVersion >= 2;
}

/**
 * Additional Fields, and in version 2 also Advanced (the rarely used fields
 * that version 1 keeps in Additional Fields).
 */
export function readOptionalFields(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	if (!isVersion2(ctx)) return additional;
	return {
		...(ctx.getNodeParameter('advanced', itemIndex, {}) as IDataObject),
		...additional,
	};
}

/**
 * Version 2's Payment Method: nothing when the buyer chooses on the order page
 * (its default). Version 1 reads it from Additional Fields (readOptionalFields).
 */
export function readPaymentMethod(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { paymentMethod?: string } {
	if (!isVersion2(ctx)) return {};
	// An expression may give anything; the lib refuses what is no payment method.
	const value = ctx.getNodeParameter('paymentMethod', itemIndex, BUYER_CHOOSES) as string;
	return value === BUYER_CHOOSES ? {} : { paymentMethod: value };
}

/**
 * The Period: version 1 holds the ISO-8601 text; version 2 a common period's
 * duration, or Custom and the text in Custom Period.
 */
function readPeriod(ctx: IExecuteFunctions, itemIndex: number): string {
	const period = ctx.getNodeParameter('period', itemIndex) as string;
	if (isVersion2(ctx) && period === CUSTOM_PERIOD)
		return ctx.getNodeParameter('customPeriod', itemIndex) as string;
	return period;
}

/** The required terms of a subscription and of its upgrade. */
export function readSubscriptionTerms(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { subscriptionType: string; period: string } {
	return {
		subscriptionType: ctx.getNodeParameter('subscriptionType', itemIndex) as string,
		period: readPeriod(ctx, itemIndex),
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
	return {
		...pickFields(readOptionalFields(ctx, itemIndex), additional),
		...readPaymentMethod(ctx, itemIndex),
		...readPrice(ctx, itemIndex, price),
		...readSubscriptionTerms(ctx, itemIndex),
	};
}
