import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { optionalIdText, type ParamValue } from '../../../../lib/validation';
import { cancelSale, readSaleId } from '../../transport/controlCenter';
import { saleIdField, showFor } from '../../helpers/descriptions';

const displayOptions = showFor('subscription', 'cancel');

export const description: INodeProperties[] = [
	saleIdField(
		displayOptions,
		"Verotel's numeric sale ID of the subscription (saleID in the postback or success redirect). Cancelling stops its future rebills.",
	),
];

/**
 * Cancels the subscription through the Verotel Control Center API. A sale that
 * is already cancelled is a success too (`alreadyCancelled: true`), so a retry
 * or a repeated run is safe.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const value = this.getNodeParameter('saleID', itemIndex) as ParamValue;
	// The lib's ID rule first: a number past 2^53 arrives rounded, and its digits
	// would pass readSaleId and cancel another sale.
	const saleID = readSaleId(this.getNode(), optionalIdText('saleID', value), itemIndex);
	const { alreadyCancelled } = await cancelSale.call(this, saleID, itemIndex);
	return { saleID, cancelled: true, alreadyCancelled };
}
