import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IAuthenticateRuleResponseCode,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The credential's type name, for the nodes: Verotel's Control Center API (HTTP Basic
 * auth, JSON), separate from FlexPay. The class's `name` repeats it as a literal:
 * n8n's scanner reads that literal to check the nodes' credential references. A
 * test keeps the two equal.
 */
export const CONTROL_CENTER_CREDENTIAL_TYPE = 'verotelControlCenterApi';

/** Verotel's Control Center API; the Base URL field can point elsewhere for tests and proxies. */
export const CONTROL_CENTER_DEFAULT_BASE_URL = 'https://controlcenter.verotel.com/api';
export const CONTROL_CENTER_DEFAULT_API_VERSION = '1.5.0';

/** The credential test: a read-only call that any activated account may make. */
export const CONTROL_CENTER_TEST_PATH = '/dashboard/totals';

export const CONTROL_CENTER_WRONG_LOGIN_MESSAGE =
	'Verotel Control Center rejected the API user or password (HTTP 401). Enter the API User and Password of your Verotel Control Center API access (not the Shop ID or Signature Key of FlexPay); if you do not have them, ask Verotel merchant support.';

/** The message for a refusal other than 401: the API is activated per merchant by Verotel. */
export function controlCenterNotActivatedMessage(statusCode: number): string {
	const what =
		statusCode >= 500
			? `Verotel Control Center answered HTTP ${statusCode} (a server error). Try again later; if it keeps failing, the`
			: `Verotel Control Center answered HTTP ${statusCode}: the`;
	return `${what} Control Center API may not be activated for this account. Verotel activates it per merchant: ask Verotel merchant support to activate it. If you changed the Base URL, check it (default ${CONTROL_CENTER_DEFAULT_BASE_URL}).`;
}

/**
 * The registered HTTP error statuses (4xx, 5xx) other than 401. n8n's
 * credential tester matches `responseCode` rules by exact status; a status
 * without a rule gets n8n's own message (the reason phrase).
 */
const REFUSAL_STATUSES = [
	400, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422,
	423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
];

export class VerotelControlCenterApi implements ICredentialType {
	name = 'verotelControlCenterApi';

	displayName = 'Verotel Control Center API';

	icon: Icon = { light: 'file:../icons/flexpay.svg', dark: 'file:../icons/flexpay.dark.svg' };

	documentationUrl =
		'https://github.com/verotel-flexpay-n8n/n8n-nodes-verotel-flexpay#verotel-control-center-api';

	properties: INodeProperties[] = [
		{
			displayName: 'API User',
			name: 'username',
			type: 'string',
			required: true,
			default: '',
			description:
				'The API user of your Verotel Control Center API access. The Control Center API is separate from FlexPay and is activated per merchant by Verotel merchant support.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The password of that API user',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: CONTROL_CENTER_DEFAULT_API_VERSION,
			placeholder: 'e.g. 1.5.0',
			description:
				'Version of the Control Center API to ask for; sent as "Accept: application/json; version=…"',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: CONTROL_CENTER_DEFAULT_BASE_URL,
			placeholder: `e.g. ${CONTROL_CENTER_DEFAULT_BASE_URL}`,
			description:
				'Address of the Control Center API. Change it only for a proxy or a test server.',
		},
	];

	/** HTTP Basic auth with the API user, and the API version in the Accept header. */
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.username}}',
				password: '={{$credentials.password}}',
			},
			headers: {
				Accept: '=application/json; version={{$credentials.apiVersion}}',
			},
		},
	};

	/**
	 * 200 = valid. n8n's tester turns a refused request into the message of the
	 * `responseCode` rule for its status: 401 = wrong API user or password, any
	 * other refusal = the API may not be activated for the account.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			// An emptied Base URL means Verotel's address, as in the node.
			baseURL: `={{$credentials.baseUrl || "${CONTROL_CENTER_DEFAULT_BASE_URL}"}}`,
			url: CONTROL_CENTER_TEST_PATH,
			qs: { output_currency: 'USD' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: CONTROL_CENTER_WRONG_LOGIN_MESSAGE },
			},
			...REFUSAL_STATUSES.map(
				(value): IAuthenticateRuleResponseCode => ({
					type: 'responseCode',
					properties: { value, message: controlCenterNotActivatedMessage(value) },
				}),
			),
		],
	};
}
