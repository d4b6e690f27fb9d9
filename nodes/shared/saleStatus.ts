import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { FLEXPAY_CREDENTIAL_TYPE } from '../../credentials/VerotelFlexPayApi.credentials';
import { PATHS } from '../../lib';
import { sendForAnswer } from './http';

/** One sale, by Verotel's saleID or by the merchant's referenceID. */
export type StatusLookup = { saleID: string } | { referenceID: string };

/**
 * The sale-status request of both nodes: `GET /salestatus` for one sale, signed
 * by the FlexPay credential's authenticate (shopID, version, signature; the key
 * itself is never sent). Every HTTP answer is returned: Sale > Get Status turns
 * failures into errors, the trigger's "Fetch Sale Details" into `saleLookup`.
 * A request without an answer rejects as sendForAnswer says.
 */
export async function sendSaleStatusRequest(
	this: IExecuteFunctions,
	lookup: StatusLookup,
	timeout: number,
): Promise<IN8nHttpFullResponse> {
	return await sendForAnswer.call(this, {
		method: 'GET',
		url: PATHS.salestatus,
		qs: { ...lookup },
		timeout,
		credentialType: FLEXPAY_CREDENTIAL_TYPE,
	});
}
