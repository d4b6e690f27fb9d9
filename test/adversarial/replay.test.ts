/**
 * Replays of Send Test Postback samples. A sample is signed with the merchant's
 * key and looks like a real postback of its event; it carries the signed marker
 * testPostback=1 (TEST_POSTBACK_MARKER). Whoever gets hold of one (a request
 * bin, a proxy log, a colleague's screenshot) must not be able to grant a sale
 * with it on the production URL, nor pass it off to Verify Redirect; the
 * merchant who opts in, and the test URL, still run it, marked test: true.
 */
import {
	buildSamplePostback,
	POSTBACK_EVENTS,
	TEST_POSTBACK_MARKER,
	type FlexPayParams,
	type SamplePostback,
} from '../../lib';
import { TEST_SHOP_ID } from '../fixtures/flexpay';
import { expectAnsweredOkWithoutRun, expectRejected } from '../trigger/webhook-answers';
import { forgetTriggerState, itemOf } from '../trigger/webhook-harness';
import {
	CONFIG,
	deliver,
	expectNoValuesLogged,
	toQuery,
	verifyRedirect,
	type Transport,
} from './support';

beforeEach(forgetTriggerState);

const TRANSPORTS: Transport[] = ['GET', 'POST'];

/** Fixed IDs (a counter, not crypto-random), so a failure reproduces. */
function counterIds(start: number): (digits: number) => string {
	let next = start;
	return (digits) => String(10 ** (digits - 1) + next++);
}

const SAMPLES: Array<[string, SamplePostback]> = POSTBACK_EVENTS.map((event, i) => [
	event,
	buildSamplePostback(CONFIG, { event }, counterIds(100 * (i + 1))),
]);
const SHA1_SAMPLES: Array<[string, SamplePostback]> = POSTBACK_EVENTS.map((event, i) => [
	event,
	buildSamplePostback(CONFIG, { event, algorithm: 'sha1' }, counterIds(5000 + 100 * i)),
]);

test('every event has a sample, each carrying the signed marker', () => {
	expect(SAMPLES.map(([event]) => event)).toEqual([...POSTBACK_EVENTS]);
	expect(POSTBACK_EVENTS.length).toBe(11);
	for (const [, sample] of [...SAMPLES, ...SHA1_SAMPLES])
		expect(sample.params[TEST_POSTBACK_MARKER.name]).toBe(TEST_POSTBACK_MARKER.value);
});

describe.each([
	...SAMPLES.map(([e, s]) => [`${e} (SHA-256)`, e, s] as const),
	...SHA1_SAMPLES.map(([e, s]) => [`${e} (SHA-1)`, e, s] as const),
])('a Send Test Postback sample of %s', (_label, event, sample) => {
	test('replayed to the production URL: OK, no run, one warning that names no value', async () => {
		for (const transport of TRANSPORTS) {
			// Twice: a replay after a replay is not a repeat that could slip through either.
			for (let round = 0; round < 2; round++) {
				const { h, result } = await deliver(sample.query, transport, 'webhook');
				expectAnsweredOkWithoutRun(h, result);
				expect(h.logs).toHaveLength(1);
				expect(h.logs[0]).toMatchObject({
					level: 'warn',
					message: expect.stringMatching(/test postback on the production URL without a run/),
				});
				expect(h.logs[0].meta).toMatchObject({ event });
				const { saleID: _saleID, ...rest } = sample.params;
				expectNoValuesLogged([{ ...h.logs[0], meta: undefined }], rest);
			}
		}
	});

	test('with "Run Test Postbacks on the Production URL" on: runs once, item marked test: true', async () => {
		for (const transport of TRANSPORTS) {
			const { result } = await deliver(sample.query, transport, 'webhook', {
				options: { runTestPostbacks: true },
			});
			expect(itemOf(result)).toMatchObject({
				event,
				test: true,
				saleID: sample.saleID,
				shopID: TEST_SHOP_ID,
			});
		}
	});

	test('on the test URL (manual mode): runs, item marked test: true', async () => {
		for (const transport of TRANSPORTS) {
			for (const options of [{}, { runTestPostbacks: false }]) {
				const { result } = await deliver(sample.query, transport, 'manual', { options });
				expect(itemOf(result)).toMatchObject({ event, test: true, saleID: sample.saleID });
			}
		}
	});

	test('stripped of testPostback, or with it changed: 401 (the marker is signed)', async () => {
		const { [TEST_POSTBACK_MARKER.name]: _marker, ...stripped } = sample.params;
		const variants: FlexPayParams[] = [
			stripped,
			{ ...sample.params, [TEST_POSTBACK_MARKER.name]: '0' },
			{ ...sample.params, [TEST_POSTBACK_MARKER.name]: '' },
			{ ...stripped, testpostback: '1' },
		];
		for (const params of variants) {
			for (const mode of ['webhook', 'manual'] as const) {
				const { h, result } = await deliver(toQuery(params), 'GET', mode, {
					options: { runTestPostbacks: true },
				});
				expectRejected(h, result, 401, 'Unauthorized');
			}
		}
	});

	test('with the marker folded into the value before it: 400, nothing runs', async () => {
		// testPostback sorts right after shopID: `shopID=${TEST_SHOP_ID}:testPostback=1` keeps the signature.
		const { [TEST_POSTBACK_MARKER.name]: marker, shopID, signature, ...rest } = sample.params;
		const folded = {
			...rest,
			shopID: `${shopID}:${TEST_POSTBACK_MARKER.name}=${marker}`,
			signature,
		};
		const { h, result } = await deliver(toQuery(folded), 'GET', 'webhook', {
			options: { runTestPostbacks: true },
		});
		expectRejected(h, result, 400, /^Bad Request: /);
		const json = await verifyRedirect(toQuery(folded));
		expect(json).toMatchObject({ valid: false, reasonCode: 'MALFORMED_QUERY' });
	});

	test('Verify Redirect refuses it as a test postback, in every form', async () => {
		for (const input of [
			sample.query,
			`https://shop.example/thanks?${sample.query}`,
			{ ...sample.params },
		]) {
			for (const options of [{}, { allowSha1: true }]) {
				const json = await verifyRedirect(input, options);
				expect(json).toMatchObject({ valid: false, reasonCode: 'TEST_POSTBACK' });
				expect(json.sale).toBeUndefined();
			}
		}
	});
});
