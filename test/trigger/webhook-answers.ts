/**
 * How webhook() answered a delivery, as the trigger tests expect it: handed to
 * n8n (which answers OK once it stored the execution; a repeat too), answered
 * OK by the node itself without a run (a deselected event, a test postback on
 * the production URL), or refused with a status and a short text.
 */
import type { Harness } from './webhook-harness';

/** A run: the node wrote no status and no body, only the content type n8n's OK goes out with. */
export function expectHandedToN8n(h: Harness): void {
	expect(h.res.sendCount).toBe(0);
	expect(h.res.headersSent).toBe(false);
	expect(h.res.statusCode).toBeUndefined();
	expect(h.res.body).toBeUndefined();
	expect(h.res.contentType).toBe('text/plain');
	expect(h.events.filter((e) => /^(status|send):/.test(e))).toEqual([]);
	expect(h.events.indexOf('type:text/plain')).toBeLessThan(h.events.indexOf('resolved'));
}

/** No run: the node itself answered OK. */
export function expectAnsweredOkWithoutRun(h: Harness, result: object): void {
	expect(result).toEqual({ noWebhookResponse: true });
	expect(h.res).toMatchObject({
		statusCode: 200,
		contentType: 'text/plain',
		body: 'OK',
		sendCount: 1,
	});
	expect(h.events.filter((e) => /^(status|type|send):/.test(e))).toEqual([
		'status:200',
		'type:text/plain',
		'send:OK',
	]);
}

/** No run: the node itself answered OK, before webhook() resolved. */
export function expectOkWrittenByNode(h: Harness, result: object): void {
	expectAnsweredOkWithoutRun(h, result);
	expect(h.events.indexOf('send:OK')).toBeLessThan(h.events.indexOf('resolved'));
}

export function expectRejected(
	h: Harness,
	result: { noWebhookResponse?: boolean; workflowData?: unknown; webhookResponse?: unknown },
	status: number,
	body: string | RegExp,
): void {
	expect(result).toEqual({ noWebhookResponse: true });
	expect(result.workflowData).toBeUndefined();
	expect(result.webhookResponse).toBeUndefined();
	expect(h.res.statusCode).toBe(status);
	expect(h.res.contentType).toBe('text/plain');
	if (typeof body === 'string') expect(h.res.body).toBe(body);
	else expect(h.res.body).toMatch(body);
	expect(h.res.sendCount).toBe(1);
}
