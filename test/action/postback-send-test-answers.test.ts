/**
 * Postback -> Send Test Postback, what comes back: any HTTP answer is an output
 * item (ok only for 200 "OK"), with the status, a short excerpt of the body
 * (at most 100 characters, control characters replaced) and a hint.
 */
import {
	answerWith,
	base,
	onlyItem,
	PATH,
	run,
	setUpReceiver,
	text,
} from '../helpers/send-test-postback';

setUpReceiver();

describe('Send Test Postback: answers are outputs', () => {
	it('401 Unauthorized -> ok: false with status, body and a hint (the run succeeds)', async () => {
		answerWith(text(401, 'Unauthorized'));
		const result = await run({ url: `${base}${PATH}`, event: 'purchase' });
		const item = onlyItem(result);
		expect(result.run.status).toBe('success');
		expect(item.json).toMatchObject({
			url: `${base}${PATH}`,
			event: 'purchase',
			statusCode: 401,
			body: 'Unauthorized',
			ok: false,
		});
		expect(item.json.hint).toMatch(/another Signature Key/);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it("404 with n8n's JSON message (test URL not listening) -> ok: false, the body as text, a hint to listen or publish", async () => {
		const body = JSON.stringify({
			code: 404,
			message: `The requested webhook "${PATH.slice('/webhook-test/'.length)}" is not registered.`,
			hint: "Click the 'Execute workflow' button on the canvas, then try again.",
		});
		answerWith(text(404, body, 'application/json; charset=utf-8'));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		// n8n's message is longer than the excerpt: its start is shown, cut with "…".
		expect(item.json).toMatchObject({ statusCode: 404, body: `${body.slice(0, 99)}…`, ok: false });
		expect(item.json.hint).toMatch(/Execute workflow.*publish/);
	});

	it.each([
		['200 with another body', 200, 'Workflow was started', 'Workflow was started'],
		['200 with OK and a line end (shown as ?)', 200, 'OK\n', 'OK?'],
		['403', 403, 'Forbidden', 'Forbidden'],
		['503', 503, 'Service Unavailable', 'Service Unavailable'],
		['500', 500, '{"message":"Error in workflow"}', '{"message":"Error in workflow"}'],
	])('%s -> ok: false', async (_label, status, body, shown) => {
		answerWith(text(status, body));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'cancel' }));
		expect(item.json).toMatchObject({ statusCode: status, body: shown, ok: false });
		expect(typeof item.json.hint).toBe('string');
	});

	it('a long body is cut to an excerpt of 100 characters', async () => {
		answerWith(text(502, `<html>${'x'.repeat(5000)}</html>`, 'text/html'));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect((item.json.body as string).length).toBe(100);
		expect(item.json.body).toMatch(/^<html>x{93}…$/);
		expect(item.json.ok).toBe(false);
	});

	it('a body that echoes the signed query shows neither its signature nor the key', async () => {
		answerWith((req, res) => {
			const signature = new URL(req.url ?? '/', base).searchParams.get('signature');
			expect(signature).toMatch(/^[0-9a-f]{64}$/);
			text(400, `Wrong signature=${signature} sent`)(req, res);
		});
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect(item.json.body).toBe('Wrong signature=[redacted] sent');
	});

	it('control characters of the body are replaced, so an answer cannot forge lines in the output', async () => {
		answerWith(text(500, 'line one\r\nline two\u0000\u001b[31m'));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect(item.json.body).toBe('line one??line two??[31m');
	});
});
