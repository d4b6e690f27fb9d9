// Settings of the local demo (`npm start`) and the postback simulator.
// A merchant with a real website passes their own values through the
// environment; the defaults are a made-up demo shop whose key is public.
export const DEMO_SHOP_ID = '123456';
export const DEMO_SIGNATURE_KEY = 'demo-key-for-local-tests-only';

export function demoSettings(env = process.env) {
	return {
		shopId: (env.FLEXPAY_SHOP_ID || DEMO_SHOP_ID).trim(),
		signatureKey: (env.FLEXPAY_SIGNATURE_KEY || DEMO_SIGNATURE_KEY).trim(),
		brand: (env.FLEXPAY_BRAND || 'verotel').trim(),
		baseUrl: (env.FLEXPAY_BASE_URL || '').trim(),
		isDemo: !env.FLEXPAY_SIGNATURE_KEY,
	};
}
