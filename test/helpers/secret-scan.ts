/**
 * Shared test helper: finds a secret anywhere inside a value — own properties
 * (enumerable or not, so Error `message`, `stack`, `cause` are included),
 * nested objects, arrays, Maps, Buffers — and in its JSON serialisation
 * (which runs every toJSON, e.g. n8n's ExecutionBaseError.toJSON).
 */
export function findSecret(value: unknown, secret: string): string[] {
	const hits: string[] = [];
	const seen = new Set<unknown>();

	const visit = (current: unknown, where: string, depth: number): void => {
		if (depth > 12 || current === null || current === undefined) return;
		if (typeof current === 'string') {
			if (current.includes(secret)) hits.push(where);
			return;
		}
		if (typeof current !== 'object' && typeof current !== 'function') return;
		if (seen.has(current)) return;
		seen.add(current);
		if (Buffer.isBuffer(current)) {
			if (current.toString('utf8').includes(secret)) hits.push(where);
			return;
		}
		if (current instanceof Map) {
			for (const [key, entry] of current) visit(entry, `${where}.get(${String(key)})`, depth + 1);
			return;
		}
		for (const key of Object.getOwnPropertyNames(current)) {
			let entry: unknown;
			try {
				entry = (current as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			if (key.includes(secret)) hits.push(`${where}[key ${key}]`);
			visit(entry, `${where}.${key}`, depth + 1);
		}
	};

	visit(value, '$', 0);
	let serialised = '';
	try {
		serialised = JSON.stringify(value) ?? '';
	} catch {
		serialised = '';
	}
	if (serialised.includes(secret)) hits.push('JSON.stringify($)');
	return hits;
}
