/**
 * n8n-core's DI container for tests that run n8n's own code: its singletons
 * made quiet, and n8n's Logger replaced by one a test can read.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { mock } from 'jest-mock-extended';
import { BinaryDataService, ErrorReporter, InstanceSettings } from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Quietens n8n-core's DI singletons (no log output, no ~/.n8n settings file,
 * no background timers); must run before anything uses them.
 */
export function setUpN8nContainer(): void {
	Container.set(Logger, mock<Logger>());
	Container.set(ErrorReporter, mock<ErrorReporter>());
	Container.set(SSHClientsManager, mock<SSHClientsManager>());
	Container.set(ScheduledTaskManager, mock<ScheduledTaskManager>());
	Container.set(
		InstanceSettings,
		mock<InstanceSettings>({
			instanceId: 'test-instance',
			encryptionKey: 'test-encryption-key',
			n8nFolder: path.join(os.tmpdir(), 'n8n-nodes-verotel-flexpay-test'),
		}),
	);
	Container.set(BinaryDataService, mock<BinaryDataService>());
}

/** Replaces n8n's Logger with one that records the arguments of every call in `logs`, e.g. to scan them for a secret. */
export function recordN8nLogs(logs: unknown[]): void {
	const record = (...args: unknown[]) => logs.push(args);
	const logger = { error: record, warn: record, info: record, debug: record, scoped: () => logger };
	Container.set(Logger, logger as unknown as Logger);
}
