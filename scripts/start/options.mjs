// `npm start`'s settings, from the command line and the environment (the command line wins).
import { parseArgs } from 'node:util';

export const HELP = `Usage: npm start [-- options]

  --n8n <line|version>   n8n line (2, 1) or exact version      env N8N_VERSION   default: newest that runs here
  --port <port>          port of n8n on 127.0.0.1               env N8N_PORT      default: 5678
  --public-url <url>     public address of this n8n             env WEBHOOK_URL   (for Control Center)
  --fresh                start with an empty n8n database
  -h, --help             this text

Your shop: FLEXPAY_SHOP_ID, FLEXPAY_SIGNATURE_KEY, FLEXPAY_BRAND, FLEXPAY_BASE_URL (default: the demo shop).
Editor login: DEMO_OWNER_EMAIL, DEMO_OWNER_PASSWORD (default demo@example.com / FlexPay-demo-1).
`;

/** The newest n8n line this machine can run: 2.x needs Node 24 (taken from npm on linux-x64). */
function defaultLine() {
	if (process.versions.node.split('.')[0] === '24') return '2';
	if (process.platform === 'linux' && process.arch === 'x64') return '2';
	return '1';
}

/**
 * @returns {{ help: boolean } | {
 *   help: false, line: string, port: number, publicUrl: string, fresh: boolean,
 *   owner: { email: string, password: string },
 * }} publicUrl is '' or ends with '/'
 */
export function readOptions() {
	const { values } = parseArgs({
		options: {
			n8n: { type: 'string' },
			port: { type: 'string' },
			'public-url': { type: 'string' },
			fresh: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) return { help: true };
	const line = (values.n8n ?? process.env.N8N_VERSION ?? defaultLine()).trim();
	const port = Number(values.port ?? process.env.N8N_PORT ?? 5678);
	if (!Number.isInteger(port) || port < 1 || port > 65535)
		throw new Error(`Not a port: ${values.port ?? process.env.N8N_PORT}`);
	let publicUrl = (values['public-url'] ?? process.env.WEBHOOK_URL ?? '').trim();
	if (publicUrl && !publicUrl.endsWith('/')) publicUrl += '/';
	const owner = {
		email: (process.env.DEMO_OWNER_EMAIL || 'demo@example.com').trim(),
		password: process.env.DEMO_OWNER_PASSWORD || 'FlexPay-demo-1',
	};
	return { help: false, line, port, publicUrl, fresh: Boolean(values.fresh), owner };
}
