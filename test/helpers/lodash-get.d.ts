// lodash has no types of its own (and @types/lodash is not a devDependency): the one function
// n8n-credential-tester.ts imports, typed as n8n's credential tester calls it.
declare module 'lodash/get' {
	function get(object: unknown, path: string): unknown;
	export = get;
}
