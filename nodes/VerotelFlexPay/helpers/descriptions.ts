import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { CURRENCIES } from '../../../lib';
import { DEFAULT_TIMEOUT_MS } from '../transport/request';

export function showFor(resource: string, operation: string): IDisplayOptions {
	return { show: { resource: [resource], operation: [operation] } };
}

/**
 * The node's versions. n8n stores only the parameters that differ from their
 * defaults, under their paths, so a changed default or a moved field would
 * change what a saved workflow means: version 1 keeps the payment-link
 * parameters of 0.1 (Payment Method, MCC, Sub-Creditor and One-Click Token in
 * Additional Fields, Period as free text); version 2, for new nodes, shows
 * Payment Method with "Buyer Chooses on the Order Page" as the default, Period
 * as a choice and the rarely used fields under Advanced.
 */
export const NODE_VERSIONS = [1, 2];
export const DEFAULT_NODE_VERSION = 2;

/** `displayOptions` narrowed to nodes of the given versions (n8n's `@version` condition). */
export function forVersions(displayOptions: IDisplayOptions, versions: number[]): IDisplayOptions {
	return { ...displayOptions, show: { ...displayOptions.show, '@version': versions } };
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

/**
 * Version 2's Payment Method value for "the buyer chooses": no paymentMethod
 * is sent, so the order page offers every method enabled for the website. (An
 * option valued '' would show as an empty select in the editor.)
 */
export const BUYER_CHOOSES = 'buyerChooses';

const PAYMENT_METHOD_CHOICES: INodePropertyOptions[] = [
	{
		name: 'Buyer Chooses on the Order Page',
		value: BUYER_CHOOSES,
		description:
			'Send no payment method: the order page offers every method enabled for your website',
	},
	...paymentMethodOptions,
];

/** Version 2: Payment Method outside Additional Fields; by default the buyer chooses. */
export function paymentMethodField(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Payment Method',
		name: 'paymentMethod',
		type: 'options',
		options: PAYMENT_METHOD_CHOICES,
		default: BUYER_CHOOSES,
		description:
			'How the buyer pays. Leave "Buyer Chooses on the Order Page" to offer every method enabled for your website.',
		displayOptions,
	};
}

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

/** Version 1: Period as free ISO-8601 text. */
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

/** Version 2's Period value that shows Custom Period. */
export const CUSTOM_PERIOD = 'custom';

/** The common periods, shortest first; each value is the ISO-8601 duration that is sent. */
const PERIOD_CHOICES: INodePropertyOptions[] = [
	{ name: '7 Days', value: 'P7D', description: 'P7D, the shortest recurring period' },
	{ name: '30 Days', value: 'P30D', description: 'P30D' },
	{ name: '1 Month', value: 'P1M', description: 'P1M' },
	{ name: '3 Months', value: 'P3M', description: 'P3M' },
	{ name: '6 Months', value: 'P6M', description: 'P6M' },
	{ name: '1 Year', value: 'P1Y', description: 'P1Y' },
	{ name: 'Custom', value: CUSTOM_PERIOD, description: 'Any ISO-8601 duration' },
];

/** Version 2: Period as a choice of the common periods, and Custom Period for any other. */
function periodChoiceFields(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Period',
			name: 'period',
			type: 'options',
			options: PERIOD_CHOICES,
			required: true,
			default: 'P1M',
			description:
				'Length of one billing period (at least 7 days for recurring, 2 for one-time). An expression may give any ISO-8601 duration.',
			displayOptions,
		},
		{
			displayName: 'Custom Period',
			name: 'customPeriod',
			type: 'string',
			// Not marked required: n8n also shows this field when Period is an expression, and would
			// then refuse to run the workflow without it. An empty Custom Period is refused when the
			// link is made, naming Period.
			default: '',
			placeholder: 'e.g. P14D',
			description:
				'Length of one billing period as an ISO-8601 duration: P14D (14 days), P2M (2 months), P2Y (2 years); at least 7 days for recurring, 2 for one-time',
			displayOptions: {
				...displayOptions,
				show: { ...displayOptions.show, period: [CUSTOM_PERIOD] },
			},
		},
	];
}

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

/**
 * What a subscription link and an upgrade link both ask for: the price of a
 * period, the type and the period (version 1: free text; version 2: a choice),
 * and in version 2 the payment method.
 */
export function subscriptionTermsFields(
	displayOptions: IDisplayOptions,
	amountDescription: string,
): INodeProperties[] {
	return [
		amountField(displayOptions, amountDescription),
		...[CURRENCY_FIELD, SUBSCRIPTION_TYPE_FIELD].map((field) =>
			withDisplayOptions(displayOptions, field),
		),
		withDisplayOptions(forVersions(displayOptions, [1]), PERIOD_FIELD),
		...periodChoiceFields(forVersions(displayOptions, [2])),
		paymentMethodField(forVersions(displayOptions, [2])),
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
 * "Additional Fields" with the fields of every subscription link and `extra`
 * (version 2: without Payment Method, which is a parameter of its own).
 */
export function subscriptionLinkFields(
	displayOptions: IDisplayOptions,
	amountDescription: string,
	extra: INodeProperties,
): INodeProperties[] {
	const fields = [...SUBSCRIPTION_LINK_FIELDS.map((name) => orderFields[name]), extra];
	return [
		...subscriptionTermsFields(displayOptions, amountDescription),
		additionalFields(forVersions(displayOptions, [1]), fields),
		additionalFields(forVersions(displayOptions, [2]), withoutPaymentMethod(fields)),
	];
}

/** Version 2's Additional Fields: Payment Method is a parameter of its own. */
export function withoutPaymentMethod(fields: INodeProperties[]): INodeProperties[] {
	return fields.filter((field) => field.name !== 'paymentMethod');
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

/** Version 2's "Advanced" collection of rarely used fields, sorted by display name. */
export function advancedFields(
	displayOptions: IDisplayOptions,
	fields: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Advanced',
		name: 'advanced',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Rarely used fields',
		displayOptions,
		options: [...fields].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

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
