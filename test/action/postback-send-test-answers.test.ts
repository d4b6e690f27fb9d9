/**
 * Postback -> Send Test Postback, what comes back: any HTTP answer is an output
 * item (ok only for 200 "OK"), with the status, the body cut to 1000
 * characters and a hint.
 */
import { answerWith, base, onlyItem, PATH, run, setUpReceiver, text } from '../helpers/send-test-postback';

setUpReceiver();

describe('Send Test Postback: answers are outputs', () => {
	it('401 Unauthorized -> ok: false with status, body and a hint (the run succeeds)', async () => {
		answerWith(text(401, 'Unauthorized'));
		const result = await run({ url: `${base}${PATH}`, event: 'purchase' });
		const item = onlyItem(result);
		expect(result.run.status).toBe('success');
		expect(item.json).toMatchObject({ url: `${base}${PATH}`, event: 'purchase', statusCode: 401, body: 'Unauthorized', ok: false });
		expect(item.json.hint).toMatch(/another Signature Key/);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it("404 with n8n's JSON message (test URL not listening) -> ok: false, the body as text, a hint to listen or publish", async () => {
		const body = JSON.stringify({
			code: 404,
			message: 'The requested webhook "3b0c7a52/webhook" is not registered.',
			hint: "Click the 'Execute workflow' button on the canvas, then try again.",
		});
		answerWith(text(404, body, 'application/json; charset=utf-8'));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect(item.json).toMatchObject({ statusCode: 404, body, ok: false });
		expect(item.json.hint).toMatch(/Execute workflow.*publish/);
	});

	it.each([
		['200 with another body', 200, 'Workflow was started'],
		['200 with OK and a line end', 200, 'OK\n'],
		['403', 403, 'Forbidden'],
		['503', 503, 'Service Unavailable'],
		['500', 500, '{"message":"Error in workflow"}'],
	])('%s -> ok: false', async (_label, status, body) => {
		answerWith(text(status, body));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'cancel' }));
		expect(item.json).toMatchObject({ statusCode: status, body, ok: false });
		expect(typeof item.json.hint).toBe('string');
	});

	it('a long body is cut to 1000 characters', async () => {
		answerWith(text(502, `<html>${'x'.repeat(5000)}</html>`, 'text/html'));
		const item = onlyItem(await run({ url: `${base}${PATH}`, event: 'purchase' }));
		expect((item.json.body as string).length).toBe(1000);
		expect(item.json.body).toMatch(/^<html>x+…$/);
		expect(item.json.ok).toBe(false);
	});
});
