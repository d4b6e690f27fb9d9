// The mail server as a stand-in of the demo services: accepts every login and every message,
// keeps nothing but hands each message to `onMail`.
import { SMTPServer } from 'smtp-server';

/** @param {(mail: { from?: string, to: string[], subject?: string, raw: string }) => void} onMail */
export function createSmtpSink(onMail) {
	return new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onAuth(auth, session, callback) {
			callback(null, { user: auth.username });
		},
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (c) => chunks.push(c));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8');
				onMail({
					from: session.envelope.mailFrom && session.envelope.mailFrom.address,
					to: session.envelope.rcptTo.map((r) => r.address),
					subject: (/^Subject: (.*)$/im.exec(raw) || [])[1],
					raw,
				});
				callback();
			});
		},
	});
}
