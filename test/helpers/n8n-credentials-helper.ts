/**
 * n8n's credentials helper over in-memory test credentials: the stored data
 * with the credential type's defaults applied, as n8n does, and the credential
 * type's `authenticate` applied exactly as n8n's CLI CredentialsHelper does.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';

/** Stored credential data, keyed by credential id (what a workflow's node references). */
export type TestCredentialStore = Record<
	string,
	{ type: string; data: ICredentialDataDecryptedObject }
>;

/** The parts of n8n's CLI CredentialsHelper a node execution needs, over in-memory credentials. */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** Every request after `authenticate`, for assertions. */
	readonly authenticatedRequests: IHttpRequestOptions[] = [];

	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly store: TestCredentialStore,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	/**
	 * Same dispatch as n8n's CLI CredentialsHelper.authenticate: a function is
	 * called; a generic one has each key and value resolved as an expression over
	 * `$credentials` and set on the request (n8n 2.41.1
	 * dist/credentials-helper.js lines 69-99, `resolveValue` lines 143-152).
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.credentialTypes[typeName];
		if (!type) throw new Error(`Unknown credential type ${typeName}`);
		let result = requestOptions as IHttpRequestOptions;
		if (typeof type.authenticate === 'function') {
			result = await type.authenticate(credentials, requestOptions as IHttpRequestOptions);
		} else if (type.authenticate) {
			if (!workflow || !node)
				throw new Error('Workflow and node are required for declarative credential authentication');
			const options = result as unknown as Record<string, IDataObject | undefined>;
			if (options.headers === undefined) options.headers = {};
			const resolve = (value: unknown): unknown => {
				if (typeof value !== 'string' || !value.startsWith('=')) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? resolved.toString() : '';
			};
			if (type.authenticate.type === 'generic') {
				for (const [outerKey, outerValue] of Object.entries(type.authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as IDataObject)) {
						const target = (options[outerKey] ??= {});
						target[String(resolve(key))] = resolve(value) as IDataObject[string];
					}
				}
			}
		}
		this.authenticatedRequests.push(result);
		return result;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used in these tests');
	}

	/** The stored data with the credential type's defaults, as n8n's applyDefaultsAndOverwrites does. */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = nodeCredentials.id ? this.store[nodeCredentials.id] : undefined;
		if (!stored || stored.type !== type) {
			throw new Error(`No test credential "${nodeCredentials.id ?? ''}" of type ${type}`);
		}
		return withDefaults(this.getCredentialsProperties(type), stored.data);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		const found = this.credentialTypes[type];
		if (!found) throw new Error(`Unknown credential type ${type}`);
		return found.properties;
	}
}

export function withDefaults(
	properties: INodeProperties[],
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const out: ICredentialDataDecryptedObject = {};
	for (const property of properties) {
		if (property.default !== undefined) out[property.name] = property.default as string;
	}
	return { ...out, ...data };
}
