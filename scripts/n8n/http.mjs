// The HTTP client of the start script and the suites.
import http from 'node:http';

/**
 * Minimal HTTP request with node:http (no keep-alive agent, so nothing stays open for jest;
 * and unlike fetch it lets us send any header, e.g. Origin).
 */
export function httpRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{ method, headers, agent: false, timeout: timeoutMs },
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode,
						headers: response.headers,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () =>
			request.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)),
		);
		request.on('error', reject);
		request.end(body);
	});
}
