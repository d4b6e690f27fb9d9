/**
 * The built package (dist) as n8n's PackageDirectoryLoader loads it: the
 * action node's codex, its use as an AI tool, and its credential.
 */
import { builtTypes, setUpEngineWithNock } from '../helpers/action-engine';

setUpEngineWithNock();

describe('the built package as n8n loads it', () => {
	it('has the codex, icons and credential n8n reads (when built)', async () => {
		const built = await builtTypes();
		if (!built) {
			console.warn('skipped: dist is not built (npm run build)');
			return;
		}
		const node = built.nodeTypes['n8n-nodes-verotel-flexpay.verotelFlexPay'] as unknown as {
			description: Record<string, unknown>;
		};
		expect(node.description.codex).toMatchObject({
			categories: ['Finance & Accounting'],
			alias: expect.arrayContaining([
				'payment',
				'checkout',
				'verotel',
				'flexpay',
				'cardbilling',
				'postback',
			]),
		});
		expect(node.description.usableAsTool).toBe(true);
		expect(built.credentialTypes.verotelFlexPayApi.name).toBe('verotelFlexPayApi');
	});
});
