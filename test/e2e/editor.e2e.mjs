// The editor as a user sees it: headless Chromium (Debian's, driven by playwright-core) signs in
// to a real n8n of the newest line, finds both nodes in the node creator, opens the trigger's
// and the action node's parameter panels and creates a FlexPay credential whose test reaches the
// local sale-status stand-in ("Connection tested successfully"). The action node shows Payment
// Method "Buyer Chooses on the Order Page" by default and its operation in words on the canvas.
//
//   node --test-reporter=spec test/e2e/editor.e2e.mjs          (part of `npm run test:e2e`)
//   npm run screenshots      the same run, saving the README's screenshots to docs/images/
//
// Where no Chromium is found the suite prints one line saying so and how to enable it.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';

import { CHROMIUM_HINT, findChromium, openBrowser, ownerAccount } from './browser.mjs';
import { checkWithN8nLog, prepareSuite, seconds, sleep } from './check.mjs';

import { ensureN8n } from '../../scripts/n8n/install.mjs';
import { startN8n } from '../../scripts/n8n/instance.mjs';
import { startDemoServices } from '../../scripts/demo-services.mjs';
import { sendPostback } from '../../scripts/postback.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const flexpay = createRequire(import.meta.url)(path.join(root, 'index.js'));

/** `--screenshots=<dir>` (npm run screenshots): where to save the README's screenshots. */
const screenshotDir = process.argv.find((arg) => arg.startsWith('--screenshots='))?.split('=')[1];

const SHOP = Object.freeze({ shopId: '654321', signatureKey: 'editor-FlexPay-signature-key-Jq4' });
/** The node creator groups both nodes under the app's name. */
const APP = 'Verotel FlexPay';
const TRIGGER_ITEM = 'On new Verotel FlexPay event';
const ACTION_ITEM = 'Create a purchase URL';
const ACTION_COUNT = 8;
/** What the canvas shows under the action node: its operation in words. */
const ACTION_SUBTITLE = 'Create Purchase URL';

const executablePath = findChromium();
const editorSpec = prepareSuite().matrix.find((spec) => Number(spec.line) >= 2);

if (!executablePath) {
	console.log(`[e2e] editor test did not run: no Chromium found; ${CHROMIUM_HINT}`);
} else if (!editorSpec) {
	console.log('[e2e] editor test did not run: it needs n8n 2.x in N8N_E2E_VERSIONS');
} else {
	describe(`editor on n8n ${editorSpec.version} in Chromium`, () => {
		const log = (line) => console.log(`[e2e editor] ${line}`);
		/** @type {Awaited<ReturnType<typeof startN8n>>} */
		let n8n;
		/** @type {Awaited<ReturnType<typeof startDemoServices>>} */
		let demo;
		/** @type {Awaited<ReturnType<typeof openBrowser>>} */
		let browser;
		/** @type {import('playwright-core').Page} */
		let page;
		let owner;
		/** The trigger's test URL, as its panel shows it. */
		let testUrl;
		const checkN8n = checkWithN8nLog(log, () => n8n);
		/** A check that, when it fails, also saves what the browser showed. */
		const check = (name, fn) =>
			checkN8n(name, async () => {
				try {
					await fn();
				} catch (error) {
					const file = path.join(os.tmpdir(), `flexpay-editor-failure-${Date.now()}.png`);
					await page?.screenshot({ path: file }).then(
						() => log(`the browser showed: ${file}`),
						() => {},
					);
					throw error;
				}
			});

		const testId = (id) => `[data-test-id="${id}"]`;
		async function screenshot(name) {
			if (!screenshotDir) return;
			fs.mkdirSync(screenshotDir, { recursive: true });
			// Panels slide in: take the picture once the page's animations (finite ones) have ended.
			await page.evaluate(() =>
				Promise.all(
					globalThis.document
						.getAnimations()
						.filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
						.map((a) => a.finished.catch(() => undefined)),
				),
			);
			await page.screenshot({ path: path.join(screenshotDir, name) });
			log(`screenshot ${path.join(screenshotDir, name)}`);
		}
		/** The node creator: search for the app and open it (both nodes are listed under it). */
		async function openAppInNodeCreator(opener) {
			await page.click(opener);
			await page.fill(
				`${testId('node-creator-search-bar')} input, input${testId('node-creator-search-bar')}`,
				'Verotel',
			);
			await page.click(`${testId('node-creator-item-name')}:text-is("${APP}")`);
		}

		before(async () => {
			const started = Date.now();
			demo = await startDemoServices({ flexpay: SHOP });
			const install = await ensureN8n(editorSpec.version, { log });
			owner = ownerAccount(install);
			n8n = await startN8n({
				install,
				packageDir: root,
				env: owner.env,
				waitForReadiness: true,
				log,
			});
			browser = await openBrowser({ executablePath, origin: new URL(n8n.baseUrl).origin });
			page = browser.page;
			page.setDefaultTimeout(30_000);
			log(`n8n and Chromium ready in ${seconds(Date.now() - started)} (${executablePath})`);
		});

		after(async () => {
			await browser?.close();
			await n8n?.stop();
			await demo?.stop();
		});

		check('signs in as the owner and opens a new workflow', async () => {
			await page.goto(`${n8n.baseUrl}/workflow/new`);
			await page.fill(`${testId('emailOrLdapLoginId')} input`, owner.email);
			await page.fill(`${testId('password')} input`, owner.password);
			await page.click(testId('form-submit-button'));
			await page.waitForSelector(testId('canvas-add-button'));
		});

		check('finds the trigger and the action node in the node creator', async () => {
			await openAppInNodeCreator(testId('canvas-add-button'));
			const creator = page.locator(testId('node-creator'));
			await creator
				.locator(`${testId('node-creator-item-name')}:text-is("${TRIGGER_ITEM}")`)
				.waitFor();
			const categories = await creator
				.locator(testId('node-creator-category-item'))
				.allTextContents();
			assert.deepEqual(
				categories.map((text) => text.trim()),
				['Triggers (1)', `Actions (${ACTION_COUNT})`],
			);
			await screenshot('node-creator.png');
		});

		check("opens the trigger's parameter panel", async () => {
			await page.click(`${testId('node-creator-item-name')}:text-is("${TRIGGER_ITEM}")`);
			const ndv = page.locator(testId('ndv'));
			await ndv.waitFor();
			await assert.doesNotReject(ndv.getByText('Webhook URLs').waitFor());
			await assert.doesNotReject(
				ndv.getByText('Flexpay postback script URL', { exact: false }).waitFor(),
			);
			await ndv.locator(testId('collection-parameter-add')).click();
			const options = (
				await page.locator(testId('collection-parameter-option')).allTextContents()
			).map((t) => t.trim());
			for (const option of ['Answer OK', 'Events']) {
				assert.ok(
					options.includes(option),
					`option "${option}" missing from ${JSON.stringify(options)}`,
				);
			}
			await page.keyboard.press('Escape');
			// The test URL n8n shows for this trigger (the action test below sends a postback to it).
			await ndv.getByText('Webhook URLs').click();
			testUrl = (await ndv.innerText()).match(/http:\/\/\S+\/webhook-test\/\S+/)?.[0];
			assert.ok(testUrl, 'the panel shows no test URL');
			await screenshot('trigger-panel.png');
		});

		check(
			'creates a FlexPay credential: a wrong key fails its test, the right one passes',
			async () => {
				const modal = page.locator(testId('editCredential-modal'));
				const field = (name) => modal.locator(`${testId(`parameter-input-${name}`)} input`);
				const asked = (from) =>
					demo.statusRequests.slice(from).map((r) => new URLSearchParams(r.query).get('shopID'));

				await page.locator(testId('node-credentials-empty-state')).click();
				await modal.waitFor();
				await field('shopId').fill(SHOP.shopId);
				await field('signatureKey').fill(`${SHOP.signatureKey}-wrong`);
				await field('baseUrl').fill(demo.baseUrl);
				let from = demo.statusRequests.length;
				await modal.locator(testId('credential-save-button')).click();
				await modal.getByText('Couldn’t connect with these settings').waitFor();
				await modal.getByText('More details').click();
				log(`wrong key: ${(await modal.innerText()).replace(/\s+/g, ' ').slice(0, 600)}`);
				assert.deepEqual(
					asked(from),
					[SHOP.shopId],
					'the wrong key was not tested against the stand-in',
				);

				await field('signatureKey').fill(SHOP.signatureKey);
				from = demo.statusRequests.length;
				await modal.locator(testId('credential-save-button')).click();
				const success = modal.locator(testId('credentials-config-container-test-success'));
				// n8n closes the dialog once the test has passed; opening the credential again re-tests it.
				await modal.waitFor({ state: 'hidden' });
				from = demo.statusRequests.length;
				await page.click(testId('credential-edit-button'));
				await success.waitFor();
				assert.match(await success.innerText(), /Connection tested successfully/);
				assert.ok(
					asked(from).includes(SHOP.shopId),
					'the right key was not tested against the stand-in',
				);
				await screenshot('credential.png');
			},
		);

		check("opens the action node's parameter panel with the credential chosen", async () => {
			// Close the credential modal and the trigger's panel, then add the action after it.
			await page.keyboard.press('Escape');
			await page.locator(testId('editCredential-modal')).waitFor({ state: 'hidden' });
			// (Escape may close the trigger's panel with the dialog.)
			if (await page.locator(testId('ndv')).isVisible())
				await page.click(testId('ndv-close-button'));
			await openAppInNodeCreator(testId('canvas-handle-plus'));
			await page.click(`${testId('node-creator-item-name')}:text-is("${ACTION_ITEM}")`);
			const ndv = page.locator(testId('ndv'));
			await ndv.waitFor();
			// The credential made for the trigger is chosen for the action node too.
			assert.equal(
				await ndv.locator(`${testId('node-credentials-select')} input`).inputValue(),
				'Verotel FlexPay account',
			);
			// A new node is version 2: the buyer chooses the payment method unless the merchant sets one.
			assert.equal(
				await ndv.locator(`${testId('parameter-input-paymentMethod')} input`).inputValue(),
				'Buyer Chooses on the Order Page',
			);
			await ndv.locator(`${testId('parameter-input-amount')} input`).fill('9.99');
			await ndv
				.locator(`${testId('parameter-input-description')} input`)
				.fill('Premium video download');
			// Run the step in the editor: n8n listens for a test postback on the trigger's test URL;
			// a signed purchase arrives, the trigger answers OK and the action makes a purchase URL
			// on the credential's host.
			await ndv.locator(testId('node-execute-button')).click();
			const postback = flexpay.buildSamplePostback(SHOP, { event: 'purchase', saleID: '7700001' });
			let answer;
			for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
				answer = await sendPostback(testUrl, postback.query);
				if (answer.status !== 404) break; // 404 until n8n listens
			}
			assert.deepEqual([answer.status, answer.body], [200, 'OK']);
			const output = ndv.locator(testId('output-panel'));
			await output.getByText(`${demo.baseUrl}/startorder?`, { exact: false }).first().waitFor();
			await screenshot('action-panel.png');
		});

		check('shows the operation in words under the action node on the canvas', async () => {
			await page.click(testId('ndv-close-button'));
			await page.locator(testId('ndv')).waitFor({ state: 'hidden' });
			const node = page.locator(
				`${testId('canvas-node')}[data-node-type="n8n-nodes-verotel-flexpay.verotelFlexPay"]`,
			);
			await node.getByText(ACTION_SUBTITLE, { exact: true }).waitFor();
			assert.doesNotMatch(await node.innerText(), /createPurchaseUrl|paymentLink/);
		});
	});
}
