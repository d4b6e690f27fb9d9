/** The item a postback becomes: its fields as sent, absent ones left out (never null). */
import type { IDataObject } from 'n8n-workflow';

import { accessFor, type FlexPayPostback } from '../../lib';

export function buildItem(
	postback: FlexPayPostback,
	httpMethod: string,
	receivedAt: Date,
): IDataObject {
	const item: IDataObject = { event: postback.event };
	const copy = (field: keyof FlexPayPostback): void => {
		const value = postback[field];
		if (value !== undefined && value !== null) item[field] = value as string | number;
	};
	copy('type');
	copy('saleID');
	copy('transactionID');
	copy('referenceID');
	copy('parentID');
	copy('shopID');
	copy('amount');
	copy('amountString');
	copy('currency');
	copy('paymentMethod');
	copy('custom1');
	copy('custom2');
	copy('custom3');
	copy('CCBrand');
	copy('truncatedPAN');
	copy('oneClickToken');
	copy('subscriptionPhase');
	copy('subscriptionType');
	copy('nextChargeOn');
	copy('expiresOn');
	copy('period');
	copy('precededBySaleID');
	// The status answer is not there yet: execute() decides once more when it is (credits, dates).
	item.access = { ...accessFor(postback, { receivedAt }) };
	item.idempotencyKey = postback.idempotencyKey;
	item.receivedAt = receivedAt.toISOString();
	item.signatureAlgorithm = postback.signatureAlgorithm;
	if (postback.test) item.test = true;
	item.httpMethod = httpMethod;
	item.params = { ...postback.params };
	return item;
}
