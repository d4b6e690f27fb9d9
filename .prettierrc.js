// Prettier as n8n's starter configures it (@n8n/node-cli 0.48.3,
// dist/template/templates/shared/default/.prettierrc.js). `npm run format` writes,
// `npm run lint` checks; .prettierignore lists what is left as it is.
module.exports = {
	/**
	 * https://prettier.io/docs/en/options.html#semicolons
	 */
	semi: true,

	/**
	 * https://prettier.io/docs/en/options.html#trailing-commas
	 */
	trailingComma: 'all',

	/**
	 * https://prettier.io/docs/en/options.html#bracket-spacing
	 */
	bracketSpacing: true,

	/**
	 * https://prettier.io/docs/en/options.html#tabs
	 */
	useTabs: true,

	/**
	 * https://prettier.io/docs/en/options.html#tab-width
	 */
	tabWidth: 2,

	/**
	 * https://prettier.io/docs/en/options.html#arrow-function-parentheses
	 */
	arrowParens: 'always',

	/**
	 * https://prettier.io/docs/en/options.html#quotes
	 */
	singleQuote: true,

	/**
	 * https://prettier.io/docs/en/options.html#quote-props
	 */
	quoteProps: 'as-needed',

	/**
	 * https://prettier.io/docs/en/options.html#end-of-line
	 */
	endOfLine: 'lf',

	/**
	 * https://prettier.io/docs/en/options.html#print-width
	 */
	printWidth: 100,

	/**
	 * package.json as npm writes it (two spaces): npm gives package-lock.json the indentation of
	 * package.json, so tabs here would rewrite the whole lockfile on the next `npm install`.
	 */
	overrides: [{ files: 'package.json', options: { useTabs: false } }],
};
