/**
 * What the workflow JSON files under test/action/workflows run against in
 * n8n's engine: the credentials they reference, the status service's host and
 * its FOUND answer, and the two ways to load the package.
 */
import * as path from 'node:path';

import { builtTypes, sourceTypes, type PackageTypes } from './action-engine';
import { TEST_SHOP_ID, TEST_SIGNATURE_KEY } from '../fixtures/flexpay';
import type { TestCredentialStore } from './n8n-credentials-helper';
import { readWorkflowJson } from './n8n-engine';
import { OFFICIAL_KEY } from '../fixtures/vectors';

/** A workflow of test/action/workflows as n8n reads its JSON. */
export const readActionWorkflow = (name: string) =>
	readWorkflowJson(path.join(__dirname, '..', 'action', 'workflows', name));

/** The status service the `canary` credential points at (nock plays it). */
export const STATUS_HOST = 'http://flexpay-status.test';

/** The credentials the workflows reference, by id. */
export const credentials: TestCredentialStore = {
	official: { type: 'verotelFlexPayApi', data: { shopId: '60678', signatureKey: OFFICIAL_KEY } },
	'official-v4': {
		type: 'verotelFlexPayApi',
		data: { shopId: '68849', signatureKey: OFFICIAL_KEY },
	},
	canary: {
		type: 'verotelFlexPayApi',
		data: {
			shopId: TEST_SHOP_ID,
			signatureKey: TEST_SIGNATURE_KEY,
			brand: 'bill',
			baseUrl: STATUS_HOST,
		},
	},
};

/** The package as the workflows run against it: the TypeScript classes, and the built dist as n8n loads it. */
export const packages: Array<[string, () => Promise<PackageTypes | undefined>]> = [
	['TypeScript classes', async () => sourceTypes()],
	['built package (dist)', builtTypes],
];
