// The pack in n8n's queue mode: n8n 2.41.1 as 1 main, 2 webhook processes and 2 workers on
// PostgreSQL 17 and Redis (test/queue/cluster.mjs), every process with the pack installed, the
// example workflows and a lean "every postback recorded" workflow published; the load, the
// audit and the start of it all in test/queue/queue-setup.mjs.
//
//   npm run test:queue        (run by .ci/run after `npm test`)
//
// Checks: a signed purchase through either webhook process is answered OK, runs once on a
// worker with the same item as in a regular-mode n8n; refusals start nothing; a repeat sent to
// the other webhook process once the first run ended does not run again (sent 0 ms to 2 s
// apart: measured and printed); load through both webhook processes; redeliveries of sales
// from that load do not run again; a rotated credential takes effect on both webhook
// processes; kill -9 of a worker and of a webhook process under load: no postback answered OK
// lacks an execution.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
	SETTLE_MS,
	checkWithN8nLog,
	ensureBuilt,
	percentile,
	seconds,
	sleep,
	waitUntil,
} from '../e2e/check.mjs';
import {
	LOAD,
	RECORDED,
	SHOP,
	comparable,
	flexpay,
	load,
	nextSaleId,
	purchase,
	queueRig,
	sendAll,
} from './queue-setup.mjs';

import { ensureN8n } from '../../scripts/n8n/install.mjs';
import { EXAMPLES } from '../../scripts/examples.mjs';
import { sendPostback } from '../../scripts/postback.mjs';

/** Figures printed at the end (docs/performance.md's Queue mode figures come from these). */
const figures = [];

ensureBuilt();
const install = await ensureN8n('2');

describe(`queue mode: n8n ${install.version}, 1 main + 2 webhook processes + 2 workers, PostgreSQL, Redis`, () => {
	const log = (line) => console.log(`[queue] ${line}`);
	const rig = queueRig(install, log);
	const { urlOf, recorded, executionIds, runsEnded, audit, flexpayCredential } = rig;
	/** Set once the rig has started, before the first check. */
	let cluster;
	let regular;
	let reader;
	const check = checkWithN8nLog(log, () => cluster?.main);

	before(async () => {
		({ cluster, regular, reader } = await rig.start());
	});

	after(async () => {
		await rig.stop();
		if (figures.length) console.log(`[queue] figures:\n${figures.map((f) => `  ${f}`).join('\n')}`);
	});

	check(
		'a signed purchase through either webhook process: OK, one run on a worker, the regular-mode item',
		async () => {
			for (const processIndex of [0, 1]) {
				const postback = purchase();
				const answer = await sendPostback(
					urlOf(processIndex, EXAMPLES.postbacks.webhookPath),
					postback.query,
				);
				assert.deepEqual(
					[answer.status, answer.body],
					[200, 'OK'],
					`webhook process ${processIndex + 1}`,
				);
				const runs = await waitUntil(
					'the execution',
					async () => {
						const found = (await reader.executions(EXAMPLES.postbacks.workflowId)).filter(
							(e) =>
								e.nodes[EXAMPLES.postbacks.triggerNode]?.[0]?.saleID === postback.saleID &&
								e.status === 'success',
						);
						return found.length ? found : undefined;
					},
					{ timeoutMs: 60_000 },
				);
				await sleep(SETTLE_MS);
				const all = (await reader.executions(EXAMPLES.postbacks.workflowId)).filter(
					(e) => e.nodes[EXAMPLES.postbacks.triggerNode]?.[0]?.saleID === postback.saleID,
				);
				assert.equal(all.length, 1, 'exactly one execution');
				// Run by a worker: a worker logged it, the main and the webhook processes did not run it.
				const id = runs[0].id;
				const ranOn = cluster.workers.filter((w) =>
					w.logTail(400).includes(`Worker started execution ${id} `),
				);
				assert.equal(ranOn.length, 1, `execution ${id} was not run by exactly one worker`);

				// The same postback in a regular-mode n8n gives the same item.
				const again = await sendPostback(
					regular.webhookUrl(EXAMPLES.postbacks.webhookPath),
					postback.query,
				);
				assert.deepEqual([again.status, again.body], [200, 'OK']);
				const [single] = await regular
					.waitForExecutions({ workflowId: EXAMPLES.postbacks.workflowId, count: processIndex + 1 })
					.then((list) =>
						list.filter(
							(e) => e.nodes[EXAMPLES.postbacks.triggerNode]?.[0]?.saleID === postback.saleID,
						),
					);
				const inQueue = comparable(all[0].nodes[EXAMPLES.postbacks.triggerNode][0]);
				const inRegular = comparable(single.nodes[EXAMPLES.postbacks.triggerNode][0]);
				for (const key of new Set([...Object.keys(inQueue), ...Object.keys(inRegular)])) {
					if (JSON.stringify(inQueue[key]) !== JSON.stringify(inRegular[key]))
						log(
							`item differs in ${key}: queue ${JSON.stringify(inQueue[key])}, regular ${JSON.stringify(inRegular[key])}`,
						);
				}
				assert.deepEqual(
					comparable(all[0].nodes[EXAMPLES.postbacks.triggerNode][0]),
					comparable(single.nodes[EXAMPLES.postbacks.triggerNode][0]),
				);
			}
		},
	);

	check(
		'tampered, other-website, other-shop and malformed postbacks: 401/401/403/400 and no execution',
		async () => {
			// Only the workflows postbacks start (the reconciliation template's schedule may fire).
			const postbackCounts = async () =>
				(await reader.counts()).filter((c) =>
					[RECORDED.workflowId, EXAMPLES.postbacks.workflowId].includes(c.workflowId),
				);
			const before = await postbackCounts();
			const good = purchase();
			const tampered = good.query.replace(/priceAmount=[^&]*/, 'priceAmount=0.01');
			// Another website's postback carries its own key: the signature (checked first) refuses it.
			const otherWebsite = flexpay.buildSamplePostback(
				{ shopId: '111111', signatureKey: 'another-key' },
				{ event: 'purchase', test: false },
			).query;
			// Signed with this website's key, but for another shop.
			const otherShop = flexpay.buildSamplePostback(
				{ ...SHOP, shopId: '111111' },
				{ event: 'purchase', test: false },
			).query;
			const malformed = 'shopID=765432&saleID=abc&signature=zz';
			for (const [query, status] of [
				[tampered, 401],
				[otherWebsite, 401],
				[otherShop, 403],
				[malformed, 400],
			]) {
				for (const processIndex of [0, 1]) {
					const answer = await sendPostback(urlOf(processIndex), query);
					assert.equal(
						answer.status,
						status,
						`webhook process ${processIndex + 1}: ${answer.body}`,
					);
				}
			}
			await sleep(SETTLE_MS);
			assert.deepEqual(await postbackCounts(), before);
		},
	);

	// Every repeat gets an execution; the worker stops it at the trigger when the trigger's record
	// (n8n's deduplication store) already has the postback. n8n's store reads and writes the row
	// whole, with nothing atomic, so a repeat whose run reads the record before the first run's
	// write landed runs again. What the pack guarantees: a repeat whose run starts once the first
	// has ended runs once; and of two deliveries at least one runs. How far apart the sends must
	// be for the runs to be ordered depends on the workers' load, so the offsets are measured.
	check(
		'a repeat through the other webhook process once the first run ended does not run again; 0 ms to 2 s apart measured',
		async () => {
			const runsOf = async (saleID) => (await recorded()).get(saleID)?.length ?? 0;
			const bothOk = (answers, what) =>
				assert.deepEqual(
					answers.map((a) => [a.status, a.body]),
					[
						[200, 'OK'],
						[200, 'OK'],
					],
					what,
				);

			const postback = purchase();
			let earlier = await executionIds();
			const first = await sendPostback(urlOf(0), postback.query);
			await runsEnded(earlier, 1);
			earlier = await executionIds();
			const second = await sendPostback(urlOf(1), postback.query);
			await runsEnded(earlier, 1);
			bothOk([first, second], 'after the first run ended');
			assert.equal(await runsOf(postback.saleID), 1, 'the repeat after the first run ran again');

			const runsAt = {};
			for (const offsetMs of [0, 50, 100, 200, 400, 1000, 2000]) {
				const { saleID, query } = purchase();
				earlier = await executionIds();
				const sending = sendPostback(urlOf(0), query);
				await sleep(offsetMs);
				bothOk(
					await Promise.all([sending, sendPostback(urlOf(1), query)]),
					`offset ${offsetMs} ms`,
				);
				await runsEnded(earlier, 2);
				runsAt[offsetMs] = await runsOf(saleID);
				// Each offset from an idle record: a write of the last 0.4 s would hold the next first
				// run back (the write interval) and widen the window measured.
				await sleep(SETTLE_MS);
			}
			figures.push(
				`repeat through the other webhook process: runs per offset ${JSON.stringify(runsAt)}`,
			);
			log(`runs per repeat offset (ms): ${JSON.stringify(runsAt)}`);
			// The later of two writes sees the earlier one, so at least one of the two runs.
			for (const [offsetMs, runs] of Object.entries(runsAt))
				assert.ok(runs === 1 || runs === 2, `repeat ${offsetMs} ms apart ran ${runs} times`);
		},
	);

	check(
		`${LOAD.count} postbacks at concurrency ${LOAD.concurrency} over both webhook processes: each OK runs once`,
		async () => {
			const targets = [() => urlOf(0), () => urlOf(1)];
			const earlier = await executionIds();
			const { answers, seconds: took } = await load({ count: LOAD.count, targets });
			const result = await audit(answers, earlier);
			const notOk = answers.filter((a) => a.status !== 200 || a.body !== 'OK');
			const ms = answers.map((a) => a.ms);
			figures.push(
				`queue mode: ${LOAD.count} postbacks in ${took.toFixed(1)} s = ${(LOAD.count / took).toFixed(0)}/s, time to OK p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms; ${notOk.length} not OK, ${result.missing.length} OK without execution, ${result.twice.length} twice, statuses ${JSON.stringify(result.statuses)}`,
			);
			// The same load on the regular-mode n8n, for comparison.
			const base = await load({
				count: LOAD.count,
				targets: [() => regular.webhookUrl(RECORDED.webhookPath)],
			});
			const baseMs = base.answers.map((a) => a.ms);
			figures.push(
				`regular mode: ${LOAD.count} postbacks in ${base.seconds.toFixed(1)} s = ${(LOAD.count / base.seconds).toFixed(0)}/s, time to OK p50 ${percentile(baseMs, 50).toFixed(0)} ms, p99 ${percentile(baseMs, 99).toFixed(0)} ms`,
			);
			log(figures.slice(-2).join('\n'));
			assert.equal(notOk.length, 0, `not OK: ${JSON.stringify(notOk.slice(0, 3))}`);
			assert.deepEqual([result.missing, result.dropped, result.twice], [[], [], []]);
			assert.deepEqual(result.statuses, { success: LOAD.count });
		},
	);

	check(
		'redeliveries of 500 of those sales through the other webhook process: none runs again',
		async () => {
			// Every sale of the load has ended its run (the audit above waited for it). Take the 500
			// newest: the trigger's record keeps the last 5,000 postbacks.
			const bySale = await recorded();
			const sales = [...bySale.keys()].filter((saleID) => saleID !== undefined).slice(-500);
			const before = new Map(sales.map((saleID) => [saleID, bySale.get(saleID).length]));
			const emptyBefore = bySale.get(undefined)?.length ?? 0;
			const earlier = await executionIds();
			const answers = await sendAll(
				sales.map((saleID, index) => ({ url: urlOf(index % 2), query: purchase(saleID).query })),
			);
			// Every redelivery gets an execution; a run still going holds its item like one that ran.
			await runsEnded(earlier, sales.length, 300_000);
			const after = await recorded();
			const ranAgain = sales.filter((saleID) => after.get(saleID).length > before.get(saleID));
			// Every repeat gets an execution of its own that passes no item on.
			const stoppedAtTrigger = (after.get(undefined)?.length ?? 0) - emptyBefore;
			figures.push(
				`redelivered ${sales.length} sales after their runs ended: ${ranAgain.length} ran again, ${stoppedAtTrigger} stopped at the trigger`,
			);
			log(figures.at(-1));
			assert.deepEqual(
				answers.filter((a) => a.status !== 200 || a.body !== 'OK'),
				[],
			);
			assert.deepEqual(ranAgain, []);
		},
	);

	check(
		'credential rotated while running: the new key is accepted by both webhook processes, the old one refused within 60 s',
		async () => {
			const rotated = { ...SHOP, signatureKey: 'queue-rotated-signature-key-Qz8' };
			const signed = (shop) =>
				flexpay.buildSamplePostback(shop, { event: 'purchase', saleID: nextSaleId(), test: false })
					.query;
			await cluster.main.importCredentials([flexpayCredential(rotated)]);
			const rotatedAt = Date.now();
			for (const processIndex of [0, 1]) {
				const answer = await sendPostback(urlOf(processIndex), signed(rotated));
				assert.deepEqual(
					[answer.status, answer.body],
					[200, 'OK'],
					`new key, webhook process ${processIndex + 1}`,
				);
			}
			const { sentAfter: refusedAfter } = await waitUntil(
				'both webhook processes to refuse the old key',
				async () => {
					// From when this round was sent: the round itself is not the cache's time.
					const sentAfter = Date.now() - rotatedAt;
					const answers = await Promise.all(
						[0, 1].map((processIndex) => sendPostback(urlOf(processIndex), signed(SHOP))),
					);
					return answers.every((a) => a.status === 401) ? { sentAfter } : undefined;
				},
				{ timeoutMs: 90_000 },
			);
			figures.push(
				`credential rotated: new key accepted by both webhook processes at once, old key refused by both ${seconds(refusedAfter)} after`,
			);
			log(figures.at(-1));
			assert.ok(
				refusedAfter <= 60_000,
				`old key still accepted ${seconds(refusedAfter)} after the rotation`,
			);

			// Back to the key the other checks sign with.
			await cluster.main.importCredentials([flexpayCredential(SHOP)]);
			await waitUntil(
				'both webhook processes to accept the original key again',
				async () => {
					const answers = await Promise.all(
						[0, 1].map((processIndex) => sendPostback(urlOf(processIndex), signed(SHOP))),
					);
					return answers.every((a) => a.status === 200);
				},
				{ timeoutMs: 60_000 },
			);
		},
	);

	check(
		'kill -9 of a worker under load: every OK has one execution; the jobs n8n gave up on are errors',
		async () => {
			const targets = [() => urlOf(0), () => urlOf(1)];
			const earlier = await executionIds();
			const running = load({ count: 400, targets });
			await sleep(1500);
			const victim = cluster.workers[0];
			victim.killNow();
			log('worker 1 killed (SIGKILL)');
			const { answers } = await running;
			// The jobs running on the killed worker stall; n8n retries a stalled job once and then
			// gives up, storing the execution as an error whose data is only that error: about 100 s
			// with n8n's default lock and stalled-check settings.
			const result = await audit(answers, earlier, { timeoutMs: 300_000 });
			figures.push(
				`worker kill -9 under load: ${result.ok} OK, ${result.executions} executions (${JSON.stringify(result.statuses)}), ${result.dropped.length} given up by n8n with the item dropped, ${result.twice.length} twice`,
			);
			log(figures.at(-1));
			assert.equal(result.executions, result.ok, 'one execution per OK');
			assert.equal(
				result.missing.length,
				result.dropped.length,
				'every OK without its item is one execution n8n gave up on',
			);
			for (const execution of result.dropped) {
				assert.equal(execution.status, 'error');
				assert.match(execution.error ?? '', /failed to be processed too many times/);
			}
			assert.deepEqual(result.twice, []);
		},
	);

	check('kill -9 of a webhook process under load: no OK without an execution', async () => {
		const targets = [() => urlOf(0), () => urlOf(1)];
		const earlier = await executionIds();
		const running = load({ count: 400, targets });
		await sleep(1500);
		cluster.webhooks[1].killNow();
		log('webhook process 2 killed (SIGKILL)');
		const { answers } = await running;
		const result = await audit(answers, earlier, { timeoutMs: 150_000 });
		const refused = answers.filter((a) => a.status !== 200).length;
		figures.push(
			`webhook process kill -9 under load: ${result.ok} OK, ${refused} without an answer (Verotel sends those again), ${result.missing.length} OK without execution, ${result.twice.length} twice, ${JSON.stringify(result.statuses)}`,
		);
		log(figures.at(-1));
		assert.deepEqual([result.missing, result.dropped, result.twice], [[], [], []]);
	});
});
