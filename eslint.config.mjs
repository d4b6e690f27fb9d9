// ESLint for the whole repository; `npm run lint` runs it (scripts/lint.mjs), `npx eslint .` too.
//
// The shipped sources (lib/, nodes/, credentials/, index.d.ts, package.json) get the rules of
// the starter's config: `config` of @n8n/node-cli 0.48.3 (its dist/configs/eslint.js, what
// `import { config } from '@n8n/node-cli/eslint'` loads), rebuilt here from the same plugins.
// @n8n/node-cli itself is not a devDependency: it pulls in @n8n/ai-node-sdk (langchain) and an
// n8n-workflow 2.39 whose expression runtime builds isolated-vm (Node 24 only), while the tests
// here pin n8n-workflow 2.8 and run on Node 20.
//
// Where this differs from the starter, and why:
// - The starter applies the community-node rules to every .ts file. They restrict what runs
//   inside n8n Cloud (no node:fs, no process, no child_process, no console): the tests and
//   scripts, which n8n never loads, get the JavaScript/TypeScript rules only.
// - .js/.mjs/.cjs files (scripts, e2e and queue suites, benchmarks) get @eslint/js's
//   recommended rules and the import rules, with Node's globals; the starter has none.
// - Outside the shipped sources, `const { signature: _s, ...rest } = params` (dropping a key)
//   does not count as an unused variable.
// - Two exceptions for single files, each explained where it is made.
// Nothing else is ignored but the build output; no file may carry a disable comment.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importPlugin from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const communityNodesRecommended = n8nCommunityNodesPlugin.configs.recommended;

/** What the package publishes, compiled, to n8n: the starter's rules apply here. */
const SHIPPED = ['lib/**/*.ts', 'nodes/**/*.ts', 'credentials/**/*.ts', 'index.d.ts'];

/** `const { signature: _s, ...rest } = params` drops a key: the tests and scripts do it often. */
const unusedVarsOmittingKeys = ['error', { ignoreRestSiblings: true }];

export default tseslint.config(
	globalIgnores(['dist', 'coverage', '.tmp']),
	{
		// A disable comment has no effect, as in n8n's verification scanner, and is reported here.
		linterOptions: { noInlineConfig: true },
	},
	{
		files: ['**/*.{ts,cts}'],
		extends: [
			js.configs.recommended,
			tseslint.configs.recommended,
			importPlugin.configs['flat/recommended'],
		],
		rules: {
			'prefer-spread': 'off',
		},
	},
	{
		files: SHIPPED,
		extends: [communityNodesRecommended],
		rules: {
			'no-console': 'error',
		},
	},
	{
		// index.d.ts re-exports ./dist/lib/index, which exists only after `npm run build`;
		// scripts/check-pack.mjs checks that the tarball holds it.
		files: ['index.d.ts'],
		rules: {
			'import-x/no-unresolved': 'off',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
	},
	{
		files: ['package.json'],
		extends: [communityNodesRecommended],
		rules: {
			...n8nNodesBase.configs.community.rules,
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: {
				extraFileExtensions: ['.json'],
			},
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		// A warning on `signatureKey`, whose name is not in the rule's list of secret names
		// (password, secret, token, apikey, ...). It is the FlexPay signing secret, so it stays
		// masked; renaming it would orphan every credential already saved under that name.
		files: ['credentials/VerotelFlexPayApi.credentials.ts'],
		rules: {
			'@n8n/community-nodes/credential-unnecessary-password': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		files: ['test/**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': unusedVarsOmittingKeys,
		},
	},
	{
		// The scripts, the end-to-end and queue suites, the benchmarks and the root's CommonJS.
		files: ['**/*.{js,mjs,cjs}'],
		extends: [js.configs.recommended, importPlugin.configs['flat/recommended']],
		languageOptions: {
			ecmaVersion: 2022,
			globals: { ...globals.node },
		},
		rules: {
			'no-unused-vars': unusedVarsOmittingKeys,
		},
	},
	{
		files: ['**/*.{js,cjs}'],
		languageOptions: {
			sourceType: 'commonjs',
		},
	},
);
