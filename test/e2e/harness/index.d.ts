// Types of the real-n8n harness (scripts/n8n/*.mjs), loaded through ./index.js.

/** One n8n version of the matrix. `node`: 'system' = the Node running the tests, '24' = Node 24 from npm. */
export interface N8nSpec {
	line: string;
	version: string;
	node: 'system' | '24';
	env: Record<string, string>;
}

/** An installed n8n: run it as `spawn(nodeBin, [n8nBin, ...args], { env: { ...process.env, ...env } })`. */
export interface N8nInstall {
	line: string;
	version: string;
	major: number;
	nodeBin: string;
	nodeVersion: string;
	n8nBin: string;
	/** The cache folder holding node_modules/n8n. */
	dir: string;
	/** Environment every n8n command of this version needs (e.g. N8N_EXPRESSION_ENGINE=legacy on 1.x). */
	env: Record<string, string>;
}

export interface Logger {
	(line: string): void;
}

export interface CredentialFixture {
	id?: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
	[key: string]: unknown;
}

export interface WorkflowFixture {
	id?: string;
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections?: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface StartOptions {
	/** ensureN8n() result, or a line / version to install. Default '2'. */
	install?: N8nInstall | string;
	/** Folder of the built community package (packed with `npm pack --ignore-scripts`). */
	packageDir?: string;
	/** Or an `npm pack` tarball. */
	tarball?: string;
	/** Objects, or the path of a JSON file; ids are generated when missing. */
	credentials?: CredentialFixture[] | string;
	/** Objects, or the path of a JSON file; ids are generated when missing. */
	workflows?: WorkflowFixture[] | string;
	/** Activate every imported workflow (default), none (false), or these ids. */
	activate?: boolean | string[];
	/** Production webhook paths (what follows /webhook/) to wait for; method defaults to GET. */
	waitForWebhooks?: Array<string | { path: string; method?: string }>;
	/** Extra environment for n8n; wins over the harness defaults. */
	env?: Record<string, string>;
	/** Port to listen on (default: a free one); startN8n fails if it is taken. */
	port?: number;
	/** Use (and never delete) this N8N_USER_FOLDER instead of a fresh temp folder. */
	userFolder?: string;
	/** N8N_LOG_LEVEL of the server; default env N8N_E2E_LOG_LEVEL or 'info'. */
	logLevel?: string;
	/** For /healthz; default 120000. */
	startTimeoutMs?: number;
	/** For each webhook; default 60000. */
	webhookTimeoutMs?: number;
	log?: Logger;
}

export interface Execution {
	id: string;
	/** 'success' | 'error' | 'crashed' | 'canceled' | 'running' | 'new' | 'waiting' ... */
	status: string;
	/** 'webhook', 'trigger', 'manual', ... */
	mode: string;
	workflowId: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	lastNodeExecuted?: string;
	error?: { message?: string; description?: string; node?: string };
	/** nodeName -> json of the items on the node's first output, over all its runs. */
	nodes: Record<string, Array<Record<string, unknown>>>;
	/** nodeName -> [run][outputIndex] -> item json[]. */
	outputs: Record<string, Array<Array<Array<Record<string, unknown>>>>>;
	/** The whole decoded run data, only with { raw: true }. */
	data?: unknown;
}

export interface NodeTypeDescription {
	name: string;
	displayName: string;
	version: number | number[];
	[key: string]: unknown;
}

export interface N8nInstance {
	version: string;
	line: string;
	nodeVersion: string;
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	port: number;
	/** `${baseUrl}/webhook/${path}` */
	webhookUrl(path: string): string;
	/** `${baseUrl}/webhook-test/${path}` */
	webhookTestUrl(path: string): string;
	pid: number;
	/** Resolves when the n8n process exits, for whatever reason. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	logFile: string;
	userFolder: string;
	dbFile: string;
	communityPackage?: { name: string; version: string; dir: string };
	/** Ids of the imported fixtures, in order (generated ones included). */
	credentialIds: string[];
	workflowIds: string[];
	/** SIGTERM the process group, SIGKILL after `graceMs` (default 10 s), remove the temp folder. Idempotent. */
	stop(options?: { graceMs?: number }): Promise<void>;
	/** SIGKILL the process group at once (a crash), remove the temp folder. */
	killNow(): void;
	/** Executions saved so far (optionally of one workflow), oldest first. */
	executions(options?: { workflowId?: string; raw?: boolean }): Promise<Execution[]>;
	/** Wait until at least `count` executions have a final status; returns all executions. */
	waitForExecutions(options?: {
		workflowId?: string;
		count?: number;
		timeoutMs?: number;
		raw?: boolean;
	}): Promise<Execution[]>;
	/** Node types n8n loaded (what the editor lists). */
	listNodeTypes(): Promise<NodeTypeDescription[]>;
	/** Credential types n8n loaded. */
	listCredentialTypes(): Promise<Array<{ name: string; displayName: string; [key: string]: unknown }>>;
	/** Last lines of n8n's log (ANSI colours removed). */
	logTail(lines?: number): string;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export interface Harness {
	NODE24_VERSION: string;
	LINES: Readonly<Record<string, N8nSpec>>;
	DEFAULT_MATRIX: readonly string[];
	resolveSpec(lineOrVersion: string): N8nSpec;
	/** N8N_E2E_VERSIONS (comma list of lines / versions) or the default lines, resolved. */
	resolveMatrix(value?: string): N8nSpec[];
	cacheRoot(): string;
	ensureNode(which: 'system' | '24', options?: { log?: Logger }): Promise<{ nodeBin: string; nodeVersion: string; nodeDir: string | undefined }>;
	envForNode(node: { nodeBin: string; nodeDir?: string }, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
	ensureN8n(lineOrVersion: string | N8nSpec, options?: { log?: Logger }): Promise<N8nInstall>;
	ENCRYPTION_KEY: string;
	startN8n(options?: StartOptions): Promise<N8nInstance>;
	/** node:http request without keep-alive; any header allowed. */
	httpRequest(
		url: string,
		options?: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number },
	): Promise<HttpResponse>;
}

export function loadHarness(): Promise<Harness>;
