/**
 * What the Payment Link tests of the action node share: the official
 * flexpay4j vectors (credential, text, the URLs they sign to) and queryOf()
 * to read a URL back.
 */
import { OFFICIAL_KEY, TEST_DESCRIPTION } from '../fixtures/vectors';

/** Official vectors (flexpay-protocol.md §3.8): flexpay4j 2.2.0 test suite, key and shop of its client. */
export const OFFICIAL = {
	shopId: '60678',
	signatureKey: OFFICIAL_KEY,
	brand: 'verotel',
	baseUrl: '',
};
/** The description (and subscription name) of the official vectors. */
export const CZECH = TEST_DESCRIPTION;
/** The upgrade subscription URL of flexpay4j's V3 vector. */
export const V3_URL =
	'https://secure.verotel.com/startorder?custom1=custom1+value&name=My+D%C5%A1%C4%8D%C5%99%C4%8D%C5%99%C5%99%C4%9B%C5%99%C4%9B%26%3F%3Dblah123&period=P1M&precedingSaleID=433456&priceAmount=0.00&priceCurrency=USD&shopID=60678&subscriptionType=recurring&successURL=http%3A%2F%2FsuccessURL.test&trialAmount=0.01&trialPeriod=P3D&type=upgradesubscription&version=4&signature=cc4da94d214a4eb64a3f7affa3c39d168a9163c020f9caacca9bfd7498e33abc';

/** Parameters a URL carries, decoded, signature apart. */
export function queryOf(url: string): { signature: string | null; params: Record<string, string> } {
	const search = new URL(url).searchParams;
	const params = Object.fromEntries([...search.entries()].filter(([key]) => key !== 'signature'));
	return { signature: search.get('signature'), params };
}
