import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildStatusRequest } from '../../../../lib';
import { optionalIdText, type ParamValue } from '../../../../lib/validation';
import { FLEXPAY_CREDENTIAL_TYPE } from '../../../../credentials/VerotelFlexPayApi.credentials';
import { readFlexPayConfig } from '../../../shared/flexPayConfig';
import { optionsCollection, saleIdField, showFor, timeoutOption } from '../../helpers/descriptions';
import { saleToJson, type StatusLookup } from '../../../shared/saleStatus';
import { requestSaleStatus, timeoutOf } from '../../transport/request';

const displayOptions = showFor('sale', 'getStatus');

export const description: INodeProperties[] = [
	{
		displayName: 'Look Up By',
		name: 'lookUpBy',
		type: 'options',
		options: [
			{
				name: 'Sale ID',
				value: 'saleID',
				description: "Verotel's sale ID from the postback or success redirect",
			},
			{
				name: 'Reference ID',
				value: 'referenceID',
				description: 'Your own reference ID sent with the purchase URL',
			},
		],
		default: 'saleID',
		description: 'Which identifier to look the sale up by',
		displayOptions,
	},
	saleIdField({ show: { ...displayOptions.show, lookUpBy: ['saleID'] } }, "Verotel's sale ID"),
	{
		displayName: 'Reference ID',
		name: 'referenceID',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. order-1001',
		description: 'The reference ID you sent with the purchase URL',
		displayOptions: { show: { ...displayOptions.show, lookUpBy: ['referenceID'] } },
	},
	optionsCollection(displayOptions, [
		timeoutOption('Time in milliseconds to wait for the status service before giving up'),
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const config = readFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
	const field =
		this.getNodeParameter('lookUpBy', itemIndex) === 'referenceID' ? 'referenceID' : 'saleID';
	const value = this.getNodeParameter(field, itemIndex) as ParamValue;
	// IDs are text: String() of a number past 2^53 would ask about another sale (idText refuses it).
	const text = optionalIdText(field, value)?.trim() ?? '';
	if (text === '') {
		const label = field === 'referenceID' ? 'Reference ID' : 'Sale ID';
		throw new NodeOperationError(this.getNode(), `${label} is empty`, {
			itemIndex,
			description: `Enter the ${label}, or map it from the input, e.g. {{ $json.${field} }}.`,
		});
	}
	const lookup: StatusLookup = field === 'referenceID' ? { referenceID: text } : { saleID: text };
	// Validates the identifier (and the credential) with the lib's own rules
	// before any request; the credential signs the real request.
	buildStatusRequest(config, lookup);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const status = await requestSaleStatus.call(this, lookup, timeoutOf(options), itemIndex);
	return saleToJson(status, status.found ? {} : lookup);
}
