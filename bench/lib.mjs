// Protocol-core benchmark: operations per second on one core. Target: at least
// 100,000 postback verify + parse per second (issue 12); next to each figure, one
// bare SHA-256 over the same bytes in the same run, so machines compare.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const flexpay = require('../index.js');

const KEY = ['bench', 'SignatureKey', 'NotSecret'].join('-');
const config = { shopId: '123456', signatureKey: KEY };
const POSTBACK = {
	shopID: '123456',
	saleID: '987654',
	transactionID: '55501',
	referenceID: 'order-42',
	priceAmount: '9.99',
	priceCurrency: 'EUR',
	paymentMethod: 'CC',
	custom1: 'user-7',
	type: 'purchase',
	CCBrand: 'VISA',
	truncatedPAN: 'XXXXXXXXXXXX1111',
};
const PURCHASE = {
	priceAmount: '9.99',
	priceCurrency: 'EUR',
	description: 'HD video download: The Long Take',
	referenceID: 'order-42',
	custom1: 'user-7',
	successURL: 'https://shop.example/thanks',
	email: 'buyer@example.com',
};

/** Runs fn for `ms` milliseconds `rounds` times; returns the median ops/s. */
function measure(fn, { ms = 400, rounds = 5 } = {}) {
	for (let i = 0; i < 2000; i++) fn(); // warm-up: let the JIT settle
	const rates = [];
	for (let r = 0; r < rounds; r++) {
		let ops = 0;
		const start = process.hrtime.bigint();
		const until = start + BigInt(ms) * 1_000_000n;
		let now = start;
		while (now < until) {
			for (let i = 0; i < 200; i++) fn();
			ops += 200;
			now = process.hrtime.bigint();
		}
		rates.push(ops / (Number(now - start) / 1e9));
	}
	return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

export function runLibBench(options = {}) {
	const postbackQuery = flexpay.buildQueryString(
		Object.entries({ ...POSTBACK, signature: flexpay.computeSignature(KEY, POSTBACK) }),
	);
	const postbackBytes = Buffer.from(flexpay.canonicalString(KEY, POSTBACK), 'utf8');
	const purchase = flexpay.buildPurchaseRequest(config, PURCHASE);
	const { signature, ...sent } = purchase.params;
	const purchaseBytes = Buffer.from(
		flexpay.canonicalString(KEY, flexpay.pickSignedRequestParams(sent)),
		'utf8',
	);
	if (flexpay.parsePostback(postbackQuery, config).saleID !== '987654' || signature.length !== 64) {
		throw new Error('benchmark inputs do not verify');
	}

	// One bare SHA-256 over exactly the bytes that are signed: the cost no verification avoids.
	const floors = (bytes) =>
		measure(() => createHash('sha256').update(bytes).digest('hex'), options);
	const rows = [];
	const verifyFloor = floors(postbackBytes);
	const verify = measure(() => flexpay.parsePostback(postbackQuery, config), options);
	rows.push({
		name: 'postback verify + parse',
		opsPerSec: verify,
		floor: verifyFloor,
		bytes: postbackBytes.length,
		target: 100_000,
	});
	// Where the time goes: reading the query into a checked map, without any hashing.
	const parseOnly = measure(() => flexpay.parseRawQuery(postbackQuery), options);
	rows.push({
		name: 'of which: query → checked map, no hashing',
		opsPerSec: parseOnly,
		floor: verifyFloor,
		bytes: postbackBytes.length,
		target: null,
	});
	// A postback whose values need percent-decoding.
	const encodedParams = { ...POSTBACK, custom2: 'buyer@example.com', custom3: 'Größe M + extra' };
	const encodedQuery = flexpay.buildQueryString(
		Object.entries({ ...encodedParams, signature: flexpay.computeSignature(KEY, encodedParams) }),
	);
	const encodedBytes = Buffer.from(flexpay.canonicalString(KEY, encodedParams), 'utf8');
	if (flexpay.parsePostback(encodedQuery, config).custom3 !== 'Größe M + extra')
		throw new Error('benchmark inputs do not verify');
	const encodedVerify = measure(() => flexpay.parsePostback(encodedQuery, config), options);
	rows.push({
		name: 'postback verify + parse, percent-encoded values',
		opsPerSec: encodedVerify,
		floor: floors(encodedBytes),
		bytes: encodedBytes.length,
		target: null,
	});
	const buildFloor = floors(purchaseBytes);
	const build = measure(() => flexpay.buildPurchaseUrl(config, PURCHASE), options);
	rows.push({
		name: 'purchase URL build',
		opsPerSec: build,
		floor: buildFloor,
		bytes: purchaseBytes.length,
		target: null,
	});
	return rows.map((row) => ({ ...row, ratio: row.opsPerSec / row.floor }));
}

export function formatLibTable(rows) {
	const n = (x) => Math.round(x).toLocaleString('en-US');
	const lines = [
		'| operation | ops/s (one core) | one bare SHA-256 of the signed bytes, ops/s | ratio | target |',
		'|---|---:|---:|---:|---|',
	];
	for (const r of rows) {
		const target =
			r.target === null ? '–' : `≥ ${n(r.target)}/s: ${r.opsPerSec >= r.target ? 'met' : 'missed'}`;
		lines.push(
			`| ${r.name} (${r.bytes} B signed) | ${n(r.opsPerSec)} | ${n(r.floor)} | ${r.ratio.toFixed(2)} | ${target} |`,
		);
	}
	return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(formatLibTable(runLibBench()));
}
