/** The parts of the Express response this trigger writes. */
export interface PostbackResponse {
	headersSent?: boolean;
	status(code: number): PostbackResponse;
	type(contentType: string): PostbackResponse;
	send(body: string): unknown;
}

/** Writes a plain-text answer unless something already answered. */
export function sendText(res: PostbackResponse, statusCode: number, body: string): void {
	if (res.headersSent === true) return;
	res.status(statusCode).type('text/plain').send(body);
}
