/**
 * Shared test helper: runs a credential type's declarative `test` the way n8n's
 * credential tester does, with n8n's own execution code.
 *
 * The request runs through the real n8n-core 2.8.1 `RoutingNode` +
 * `ExecuteContext` (so the request options, the credential's `authenticate`,
 * the HTTP call, the response handling and the error wrapping are n8n's). The
 * surrounding glue — the temporary node type, and the evaluation of `rules`
 * afterwards — is a transcription of `runRequestTest` in n8n's CLI, because
 * the CLI package is not a dependency here (the real CLI tester is exercised
 * by test/credentials/credential-test-real-n8n.test.ts when a real n8n is
 * cached). The rule check, npm n8n@2.41.1 dist/services/credentials-tester.service.js
 * lines 398-399 (n8n@1.123.81: lines 334-335):
 *
 *   const responseData = response[0][0].json;
 *   if (get(responseData, rule.properties.key) === rule.properties.value) → Error(rule.properties.message)
 *
 * where `response[0][0].json` is the raw response body: RoutingNode's
 * postProcessResponseData sets `returnData[0].json = responseData.body`
 * (n8n-core 2.8.1 dist/execution-engine/routing-node.js line 282; 2.41.1 line
 * 326), a string for a text body.
 */
// lodash ships with n8n-core; the CLI uses exactly this function (types: ./lodash-get.d.ts).
import get from 'lodash/get';
import { ExecuteContext, ExecutionLifecycleHooks, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeData,
	INodeTypes,
	IWorkflowBase,
} from 'n8n-workflow';
import { createEmptyRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { TestCredentialsHelper, withDefaults } from './n8n-credentials-helper';
import { createAdditionalData } from './n8n-engine';
import { NoOpStandIn } from './n8n-node-types';

/** n8n-nodes-base.noOp as the tester sees it (only its description is used). */
const noOpNodeType: INodeType = {
	description: { ...new NoOpStandIn().description, name: 'n8n-nodes-base.noOp' },
};

export interface CredentialTestRun {
	result: INodeCredentialTestResult;
	/** The body the rules were evaluated against (what n8n passes to lodash get). */
	body?: unknown;
	/** The thrown error when the request itself failed. */
	error?: unknown;
	credentialsHelper: TestCredentialsHelper;
}

export async function runCredentialTest(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
	test = credentialType.test,
): Promise<CredentialTestRun> {
	if (!test) throw new Error('credential type has no test');
	const credentialTypeName = credentialType.name;
	// prepareCredentialsForTest: n8n applies the property defaults first.
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'cred-under-test',
		name: 'Credential under test',
		type: credentialTypeName,
		data: withDefaults(credentialType.properties, data),
	};
	const credentialsHelper = new TestCredentialsHelper({ [credentialTypeName]: credentialType }, {});

	// --- transcription of runRequestTest (n8n 2.41.1) ---
	const nodeType = noOpNodeType;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: Array.isArray(nodeType.description.version)
			? nodeType.description.version.slice(-1)[0]
			: nodeType.description.version,
		position: [0, 0],
		credentials: {
			[credentialTypeName]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...nodeType.description,
			credentials: [{ name: credentialTypeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const mockNodesData: INodeTypeData = {
		[nodeTypeCopy.description.name]: { sourcePath: '', type: nodeTypeCopy },
	};
	const mockNodeTypes: INodeTypes = {
		getKnownTypes: () => ({}),
		getByName: (name: string) => mockNodesData[name]?.type,
		getByNameAndVersion: (name: string, version?: number) =>
			NodeHelpers.getVersionedNodeType(mockNodesData[name].type, version),
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: mockNodeTypes,
	});
	const hooks = new ExecutionLifecycleHooks('internal', 'credential-test', {
		nodes: [node],
		connections: {},
	} as unknown as IWorkflowBase);
	const additionalData = createAdditionalData(credentialsHelper, hooks);
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (error) {
		const e = error as {
			cause?: { response?: { status: number; statusText?: string }; code?: string };
			message: string;
		};
		if (e.cause?.response) {
			const errorResponseData = {
				statusCode: e.cause.response.status,
				statusMessage: e.cause.response.statusText,
			};
			for (const rule of test.rules ?? []) {
				if (
					rule.type === 'responseCode' &&
					errorResponseData.statusCode === rule.properties.value
				) {
					return {
						result: { status: 'Error', message: rule.properties.message },
						error,
						credentialsHelper,
					};
				}
			}
			if (errorResponseData.statusCode < 199 || errorResponseData.statusCode > 299) {
				return {
					result: {
						status: 'Error',
						message:
							errorResponseData.statusMessage ||
							`Received HTTP status code: ${errorResponseData.statusCode}`,
					},
					error,
					credentialsHelper,
				};
			}
		} else if (e.cause?.code) {
			return { result: { status: 'Error', message: e.cause.code }, error, credentialsHelper };
		}
		return { result: { status: 'Error', message: e.message.toString() }, error, credentialsHelper };
	}

	const body = response?.[0]?.[0]?.json as unknown;
	if (test.rules && Array.isArray(test.rules)) {
		for (const rule of test.rules) {
			if (rule.type === 'responseSuccessBody') {
				const responseData = response![0][0].json;
				if (get(responseData, rule.properties.key) === rule.properties.value) {
					return {
						result: { status: 'Error', message: rule.properties.message },
						body,
						credentialsHelper,
					};
				}
			}
		}
	}
	return { result: { status: 'OK', message: 'Connection successful!' }, body, credentialsHelper };
}
