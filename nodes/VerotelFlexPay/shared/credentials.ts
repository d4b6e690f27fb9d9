import type { IExecuteFunctions } from 'n8n-workflow';

import {
	checkedFlexPayConfig,
	FLEXPAY_CREDENTIAL_TYPE,
} from '../../../credentials/VerotelFlexPayApi.credentials';
import type { FlexPayConfig } from '../../../lib';

/**
 * The checked FlexPay configuration of the item's credential. Throws the lib's
 * FlexPayValidationError (with field and hint) when the credential is unusable.
 */
export async function getFlexPayConfig(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<FlexPayConfig> {
	return checkedFlexPayConfig(await this.getCredentials(FLEXPAY_CREDENTIAL_TYPE, itemIndex));
}
