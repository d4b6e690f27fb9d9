import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPurchaseRequest, type PurchaseParams } from '../../../../lib';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import {
	additionalFields,
	advancedFields,
	amountField,
	currencyField,
	fieldNames,
	forVersions,
	LINK_FIELDS,
	orderFields,
	paymentMethodField,
	showFor,
} from '../../helpers/descriptions';
import {
	pickFields,
	readOptionalFields,
	readPaymentMethod,
	readPrice,
	signedRequestToJson,
} from '../../helpers/utils';

const displayOptions = showFor('paymentLink', 'createPurchaseUrl');

const ADDITIONAL = fieldNames(
	...LINK_FIELDS,
	'mcc',
	'oneClickToken',
	'referenceID',
	'subCreditorCountry',
	'subCreditorId',
	'subCreditorName',
);

/** MCC and Sub-Creditor (iDEAL only) and the one-click token: version 2 shows them under Advanced. */
const RARELY_USED: INodeProperties[] = [
	{
		displayName: 'MCC',
		name: 'mcc',
		type: 'string',
		default: '',
		description: 'Merchant category code of the sub-creditor (iDEAL only)',
	},
	{
		displayName: 'One-Click Token',
		name: 'oneClickToken',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			"Token from a previous sale's postback for a one-click purchase; needs Payment Method Credit Card (sent unsigned)",
	},
	{
		displayName: 'Sub-Creditor Country',
		name: 'subCreditorCountry',
		type: 'string',
		default: '',
		placeholder: 'e.g. NL',
		description: 'Two-letter ISO 3166 country code of the sub-creditor (iDEAL only)',
	},
	{
		displayName: 'Sub-Creditor ID',
		name: 'subCreditorId',
		type: 'string',
		default: '',
		description: 'ID of the sub-creditor (iDEAL only)',
	},
	{
		displayName: 'Sub-Creditor Name',
		name: 'subCreditorName',
		type: 'string',
		default: '',
		description: 'Name of the sub-creditor (iDEAL only)',
	},
];

const COMMON: INodeProperties[] = [
	orderFields.custom1,
	orderFields.custom2,
	orderFields.custom3,
	orderFields.declineURL,
	orderFields.email,
	orderFields.referenceID,
	orderFields.successURL,
];

export const description: INodeProperties[] = [
	amountField(
		displayOptions,
		'Price of the purchase, more than 0, with a dot and up to two decimals, e.g. 9.99',
	),
	currencyField(displayOptions),
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Premium video download',
		description: 'What the buyer pays for, shown on the order page (at most 100 characters)',
		displayOptions,
	},
	paymentMethodField(forVersions(displayOptions, [2])),
	additionalFields(forVersions(displayOptions, [1]), [
		...COMMON,
		orderFields.paymentMethod,
		...RARELY_USED,
	]),
	additionalFields(forVersions(displayOptions, [2]), COMMON),
	advancedFields(forVersions(displayOptions, [2]), RARELY_USED),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const params: PurchaseParams = {
		...pickFields(readOptionalFields(this, itemIndex), ADDITIONAL),
		...readPaymentMethod(this, itemIndex),
		...readPrice(this, itemIndex),
		description: this.getNodeParameter('description', itemIndex) as string,
	};
	return signedRequestToJson(buildPurchaseRequest(config, params));
}
