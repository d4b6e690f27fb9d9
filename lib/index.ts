/**
 * FlexPay protocol core: pure functions over Verotel's FlexPay protocol 4, with
 * no n8n dependency. The n8n nodes are thin adapters over this module, and
 * `require('n8n-nodes-verotel-flexpay')` exposes it for programmatic use.
 */
export {
	accessFor,
	type Access,
	type AccessAction,
	type AccessContext,
	type AccessPostback,
	type AccessSale,
	type UntilSource,
} from './access';
export { formatAmount, formatPositiveAmount, parseAmount, sameAmount } from './amount';
export { BRANDS, BRAND_NAMES, brandFromMerchantId, isBrandName, type BrandName } from './brands';
export {
	accessWhenConfirmed,
	crossCheckPostback,
	type Confirmation,
	type ConfirmationPostback,
	type ConfirmationStatus,
} from './confirmation';
export {
	resolveConfig,
	resolveShopAndKey,
	type FlexPayConfig,
	type ResolvedConfig,
	type VerificationConfig,
} from './config';
export { buildQueryString, formEncode } from './encoding';
export {
	cutText,
	excerpt,
	FlexPayError,
	FlexPayMalformedQueryError,
	FlexPayNotASaleError,
	FlexPayShopMismatchError,
	FlexPaySignatureError,
	FlexPayStatusError,
	FlexPayValidationError,
	type FlexPayErrorCode,
} from './errors';
export { idempotencyKeyOf } from './idempotency';
export {
	parsePostback,
	parseSuccessRedirect,
	POSTBACK_EVENTS,
	POSTBACK_OK,
	POSTBACK_PARAMS,
	type FlexPayPostback,
	type KnownPostbackEvent,
	type ParsePostbackOptions,
	type PostbackEvent,
} from './postback';
export {
	MAX_BODY_BYTES,
	readSignedPayload,
	type PostbackRequest,
	type SignedPayload,
} from './postbackRequest';
export { paramsFromMap, parseRawQuery, QUERY_LIMITS } from './query';
export {
	buildSignedRequest,
	PATHS,
	PROTOCOL_VERSION,
	type RequestParams,
	type SignedRequest,
	type SignedUrlOptions,
} from './request';
export {
	buildSamplePostback,
	randomVerotelId,
	SAMPLE_BUYER_EMAIL,
	SAMPLE_POSTBACK_DEFAULTS,
	sampleSaleStatus,
	type SamplePostback,
	type SamplePostbackInput,
} from './samplePostback';
export {
	checkSaleMessage,
	isTestPostback,
	TEST_BUYER_EMAIL_PARAM,
	TEST_POSTBACK_MARKER,
} from './saleMessage';
export {
	BILLING_ADDRESS_PREFIX,
	buildStatusRequest,
	buildStatusUrl,
	parseStatusResponse,
	type BillingAddress,
	type SaleStatus,
	type StatusQuery,
	type StatusResponse,
} from './salestatus';
export {
	canonicalString,
	compareKeys,
	computeSignature,
	matchSignature,
	pickSignedRequestParams,
	signRequest,
	SIGNED_REQUEST_PARAMS,
	verifySignature,
	type FlexPayParams,
	type SignatureAlgorithm,
} from './signature';
export {
	buildCancelSubscriptionRequest,
	buildCancelSubscriptionUrl,
	buildPurchaseRequest,
	buildPurchaseUrl,
	buildSubscriptionRequest,
	buildSubscriptionUrl,
	buildUpgradeSubscriptionRequest,
	buildUpgradeSubscriptionUrl,
	type CancelSubscriptionParams,
	type PurchaseParams,
	type StartorderType,
	type SubscriptionParams,
	type UpgradeSubscriptionParams,
} from './startorder';
export { parseAbsoluteUrl } from './url';
export {
	CURRENCIES,
	PAYMENT_METHODS,
	SUBSCRIPTION_TYPES,
	UPGRADE_OPTIONS,
	isVerotelId,
	VEROTEL_ID_MAX_DIGITS,
	type Currency,
	type PaymentMethod,
} from './validation';
