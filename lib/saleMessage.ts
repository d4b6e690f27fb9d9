/**
 * Which correctly signed parameter sets may become a sale. The merchant signs
 * payment links, cancel links and status requests with the same key Verotel
 * signs its postbacks and success redirects with, so a valid signature proves
 * the key, not a payment: the buyer holds his own payment link before he pays.
 * Only a set shaped like Verotel's own messages is accepted.
 *
 * Evidence (protocol reference §3.3, §3.7, §6.2–6.4):
 * - Every request the official clients build carries a signed `version`: PHP
 *   and Kotlin always add it ("always overwrite version"), the Perl module and
 *   the legacy v1 URL too [OFF-CODE]; so does this library's buildSignedRequest.
 *   No observed postback or success redirect carries one: the community postback
 *   and redirect fixtures, the official WooCommerce plugin's handler [COMM,
 *   OFF-CODE]. Being signed, `version` cannot be dropped from a request, and
 *   folding it into another value (`type=purchase:version=4`) is refused as a
 *   parameter boundary (postback.ts). This rule alone refuses every request the
 *   pack or the official clients can sign.
 * - Every postback and success redirect carries `saleID` and `type` (same
 *   fixtures; the WooCommerce plugin routes on `type`) [COMM, OFF-CODE]. A request
 *   may sign both too (the startorder whitelist has `saleID`; the official PHP
 *   test vector signs a purchase link with `saleID` and `type=purchase`), so they
 *   are required, but never enough on their own. Signed evidence of `type` covers
 *   purchase, initial, rebill and credit; one community bundle's unsigned test
 *   payloads for cancel and expiry list no `type` (nor `shopID`, which every
 *   postback carries), so they are partial lists, not counter-evidence; still,
 *   confirm in Verotel's test mode [COMM]. A refused cancel or expiry charges
 *   nothing back, and shows as an error-level log line.
 * Request-only fields (`description`, `successURL`, ...) are not refused as
 * well: `version` already tells every request apart, and refusing a field
 * Verotel might echo one day would refuse a real postback, which makes Verotel
 * refund a card sale [INFER]. A change on Verotel's side that adds `version`
 * would show up as error-level log lines on every postback.
 */
import { FlexPayNotASaleError } from './errors';
import type { FlexPayParams } from './signature';

/**
 * The signed parameter that marks a sample made by Send Test Postback or the
 * postback simulator. Verotel never sends it, and it cannot be added to a
 * message without the key, so a marked set is always the merchant's own test.
 */
export const TEST_POSTBACK_MARKER = Object.freeze({ name: 'testPostback', value: '1' });

/**
 * Only in a test postback: the e-mail address of its sample sale, which the
 * trigger's Fetch Sale Details reports instead of asking Verotel, so that a
 * test run can mail the merchant. Signed like every other parameter.
 */
export const TEST_BUYER_EMAIL_PARAM = 'testBuyerEmail';

/** Whether a (verified) parameter set is a test postback made with the merchant's key. */
export function isTestPostback(params: FlexPayParams): boolean {
	return params[TEST_POSTBACK_MARKER.name] === TEST_POSTBACK_MARKER.value;
}

const REQUEST_HINT =
	'Only Verotel’s postbacks and success redirects are accepted. Payment links, cancel links and status requests are signed with the same key but prove no payment; never send one to the postback or success URL.';

/**
 * The refusal of a request signed with the key: its signed part carries
 * `version`. Also for a request that still carries its unsigned fields
 * (`email`, `oneClickToken`), whose signature covers only the whitelist.
 */
export function signedRequestError(): FlexPayNotASaleError {
	return new FlexPayNotASaleError(
		'version',
		'The signed parameters carry "version": they look like a payment link, cancel link or status request signed with the key, not a message from Verotel',
		REQUEST_HINT,
	);
}

/**
 * Throws FlexPayNotASaleError unless the parameters are shaped like a Verotel
 * postback or success redirect. Run it on signed parameters only: it is not a
 * signature check. Messages name fields, never values.
 */
export function checkSaleMessage(params: FlexPayParams): void {
	if (params.version !== undefined) throw signedRequestError();
	for (const field of ['saleID', 'type'] as const) {
		if (params[field] === undefined || params[field] === '') {
			throw new FlexPayNotASaleError(
				field,
				`The signed parameters carry no "${field}", which every Verotel postback and success redirect has: they look like a request signed with the key, not a message from Verotel`,
				REQUEST_HINT,
			);
		}
	}
}
