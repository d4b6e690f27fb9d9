import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CURRENCIES } from '../../../lib';
import { DEFAULT_TIMEOUT_MS } from '../transport/request';

export function showFor(resource: string, operation: string): IDisplayOptions {
	return { show: { resource: [resource], operation: [operation] } };
}

export const currencyOptions: INodePropertyOptions[] = [...CURRENCIES]
	.sort()
	.map((currency) => ({ name: currency, value: currency }));

const PAYMENT_METHOD_LABELS: Record<string, { name: string; description: string }> = {
	CC: { name: 'Credit Card', description: 'Card payment (needed for a one-click token)' },
	DDEU: { name: 'Direct Debit EU', description: 'SEPA direct debit, EUR only' },
	IDEAL: {
		name: 'IDEAL',
		description: 'IDEAL bank transfer (needed for MCC and sub-creditor fields)',
	},
	YOURSAFE_DIRECT: { name: 'Yoursafe Direct', description: 'Yoursafe Direct payment' },
};

export const paymentMethodOptions: INodePropertyOptions[] = Object.keys(PAYMENT_METHOD_LABELS).map(
	(value) => ({
		name: PAYMENT_METHOD_LABELS[value].name,
		value,
		description: PAYMENT_METHOD_LABELS[value].description,
	}),
);

/** Verotel's sale ID of one sale (the `saleID` of a postback or success redirect), required. */
export function saleIdField(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Sale ID',
		name: 'saleID',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 433456',
		description,
		displayOptions,
	};
}

/** An operation's "Options" collection. */
export function optionsCollection(
	displayOptions: IDisplayOptions,
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options,
	};
}

/** The Timeout option in milliseconds (read with timeoutOf); `description` says what it waits for. */
export function timeoutOption(description: string): INodeProperties {
	return {
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_TIMEOUT_MS,
		description,
	};
}

/** Required price amount, as a decimal text so that 45.20 stays 45.20. */
export function amountField(displayOptions: IDisplayOptions, description: string): INodeProperties {
	return {
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 9.99',
		description,
		displayOptions,
	};
}

const CURRENCY_FIELD: INodeProperties = {
	displayName: 'Currency',
	name: 'currency',
	type: 'options',
	options: currencyOptions,
	required: true,
	default: 'EUR',
	description: 'Currency of the amount. Direct debit (DDEU) needs EUR.',
};

const SUBSCRIPTION_TYPE_FIELD: INodeProperties = {
	displayName: 'Subscription Type',
	name: 'subscriptionType',
	type: 'options',
	options: [
		{ name: 'One-Time', value: 'one-time', description: 'Access for one period, no rebill' },
		{
			name: 'Recurring',
			value: 'recurring',
			description: 'Rebilled every period until cancelled',
		},
	],
	required: true,
	default: 'recurring',
};

const PERIOD_FIELD: INodeProperties = {
	displayName: 'Period',
	name: 'period',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. P1M',
	description:
		'Length of one billing period as an ISO-8601 duration such as P30D, P1M or P1Y (at least 7 days for recurring, 2 for one-time)',
};

/** A field shown only where `displayOptions` says. */
function withDisplayOptions(
	displayOptions: IDisplayOptions,
	field: INodeProperties,
): INodeProperties {
	return { ...field, displayOptions };
}

export function currencyField(displayOptions: IDisplayOptions): INodeProperties {
	return withDisplayOptions(displayOptions, CURRENCY_FIELD);
}

/** What a subscription link and an upgrade link both ask for: the price of a period, the type and the period. */
export function subscriptionTermsFields(
	displayOptions: IDisplayOptions,
	amountDescription: string,
): INodeProperties[] {
	return [
		amountField(displayOptions, amountDescription),
		...[CURRENCY_FIELD, SUBSCRIPTION_TYPE_FIELD, PERIOD_FIELD].map((field) =>
			withDisplayOptions(displayOptions, field),
		),
	];
}

/** Additional fields of every payment link: names of `orderFields`, and of the startorder parameters they fill. */
export const LINK_FIELDS = [
	'custom1',
	'custom2',
	'custom3',
	'declineURL',
	'email',
	'paymentMethod',
	'successURL',
] as const;

/** Additional fields of every subscription link. */
export const SUBSCRIPTION_LINK_FIELDS = [
	...LINK_FIELDS,
	'name',
	'trialAmount',
	'trialPeriod',
] as const;

/**
 * What a subscription link and an upgrade link both show: the terms, then
 * "Additional Fields" with the fields of every subscription link and `extra`.
 */
export function subscriptionLinkFields(
	displayOptions: IDisplayOptions,
	amountDescription: string,
	extra: INodeProperties,
): INodeProperties[] {
	return [
		...subscriptionTermsFields(displayOptions, amountDescription),
		additionalFields(displayOptions, [
			...SUBSCRIPTION_LINK_FIELDS.map((name) => orderFields[name]),
			extra,
		]),
	];
}

/** Field names in the order the operations list and send them (code-unit order, as before). */
export function fieldNames(...names: string[]): readonly string[] {
	return [...names].sort();
}

export const orderFields: Record<string, INodeProperties> = {
	custom1: {
		displayName: 'Custom 1',
		name: 'custom1',
		type: 'string',
		default: '',
		description: 'Pass-through value echoed back in the postback, at most 255 characters',
	},
	custom2: {
		displayName: 'Custom 2',
		name: 'custom2',
		type: 'string',
		default: '',
		description: 'Pass-through value echoed back in the postback, at most 255 characters',
	},
	custom3: {
		displayName: 'Custom 3',
		name: 'custom3',
		type: 'string',
		default: '',
		description: 'Pass-through value echoed back in the postback, at most 255 characters',
	},
	declineURL: {
		displayName: 'Decline URL',
		name: 'declineURL',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://shop.example.com/payment-declined',
		description: 'Where the buyer is sent after a declined payment',
	},
	email: {
		displayName: 'Email',
		name: 'email',
		type: 'string',
		default: '',
		placeholder: 'name@email.com',
		description: "Buyer's email address; the order page asks for it when empty (sent unsigned)",
	},
	name: {
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: 'Name of the subscription shown on the order page, at most 100 characters',
	},
	paymentMethod: {
		displayName: 'Payment Method',
		name: 'paymentMethod',
		type: 'options',
		options: paymentMethodOptions,
		default: 'CC',
		description: 'Payment method to use; without it the buyer chooses on the order page',
	},
	referenceID: {
		displayName: 'Reference ID',
		name: 'referenceID',
		type: 'string',
		default: '',
		placeholder: 'e.g. order-1001',
		description: 'Your own unique reference for this order; the sale status can be looked up by it',
	},
	successURL: {
		displayName: 'Success URL',
		name: 'successURL',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://shop.example.com/thank-you',
		description:
			'Where the buyer is sent after a successful payment, with the signed sale data in the query',
	},
	trialAmount: {
		displayName: 'Trial Amount',
		name: 'trialAmount',
		type: 'string',
		default: '',
		placeholder: 'e.g. 0.99',
		description: 'Price of the trial period',
	},
	trialPeriod: {
		displayName: 'Trial Period',
		name: 'trialPeriod',
		type: 'string',
		default: '',
		placeholder: 'e.g. P3D',
		description: 'Length of the trial as an ISO-8601 duration, at least 2 days',
	},
};

/** An "Additional Fields" collection with the given options, sorted by display name. */
export function additionalFields(
	displayOptions: IDisplayOptions,
	fields: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions,
		options: [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/**
 * The canvas shows the subtitle under the node's name. n8n's own nodes show
 * `operation: resource` (`createPurchaseUrl: paymentLink`); this one shows the
 * operation as the Operation list names it, with the thing it acts on where the
 * name alone does not say it. Operation values are unique across resources, so
 * one map keyed by the operation does.
 */
const SUBTITLE_WORDS: Record<string, string> = {
	getStatus: 'Get Sale Status',
	cancel: 'Cancel Subscription',
};

/** Every operation value -> its words on the canvas (the option's name unless SUBTITLE_WORDS says otherwise). */
export function operationSubtitles(parameters: INodeProperties[]): Record<string, string> {
	const subtitles: Record<string, string> = {};
	for (const parameter of parameters) {
		if (parameter.name !== 'operation') continue;
		for (const option of (parameter.options ?? []) as INodePropertyOptions[]) {
			const value = String(option.value);
			subtitles[value] = SUBTITLE_WORDS[value] ?? option.name;
		}
	}
	return subtitles;
}
