import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPurchaseRequest, type PurchaseParams } from '../../../../lib';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import {
	additionalFields,
	amountField,
	currencyField,
	fieldNames,
	LINK_FIELDS,
	orderFields,
	showFor,
} from '../../helpers/descriptions';
import { pickFields, readPrice, signedRequestToJson } from '../../helpers/utils';

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
	additionalFields(displayOptions, [
		orderFields.custom1,
		orderFields.custom2,
		orderFields.custom3,
		orderFields.declineURL,
		orderFields.email,
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
		orderFields.paymentMethod,
		orderFields.referenceID,
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
		orderFields.successURL,
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const params: PurchaseParams = {
		...pickFields(extra, ADDITIONAL),
		...readPrice(this, itemIndex),
		description: this.getNodeParameter('description', itemIndex) as string,
	};
	return signedRequestToJson(buildPurchaseRequest(config, params));
}
