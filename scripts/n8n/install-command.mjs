// The commands the installers of the cache run (npm install, npm rebuild): their output goes to
// the install's log file, a heartbeat to the console, the tail of the output into the error.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { stopOnExit } from '../processes.mjs';

const HEARTBEAT_MS = 20_000;

/** Where the installers report by default. */
export const installLog = (line) => console.log(`[n8n-install] ${line}`);

/**
 * Run a command, append its output to `logFile`, print a heartbeat while it runs (CI kills jobs
 * that stay silent, and people want to see progress). Rejects with the tail of the output.
 */
export function runInstallCommand(cmd, args, { cwd, env, log, label, logFile, progress }) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		// Killed if this process exits or is stopped: npm must not keep writing into a folder the
		// next run will wipe.
		const kill = () => {
			try {
				child.kill('SIGKILL');
			} catch {
				// already gone
			}
		};
		const forget = stopOnExit({ stop: kill, killNow: kill });
		const tail = [];
		let warnings = 0;
		const onData = (chunk) => {
			fs.appendFileSync(logFile, chunk);
			for (const line of chunk.toString().split('\n')) {
				if (!line.trim()) continue;
				tail.push(line);
				if (tail.length > 40) tail.shift();
				// npm's warnings (EBADENGINE, deprecated, ...) are many and harmless here: count them
				// and keep them in the log file instead of flooding the console.
				if (/^npm (warn|WARN)/.test(line)) warnings++;
				else log(`${label}: ${line}`);
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		const timer = setInterval(() => {
			const extra = progress ? `, ${progress()}` : '';
			log(`${label}: still running (${Math.round((Date.now() - started) / 1000)} s${extra})`);
		}, HEARTBEAT_MS);
		child.on('error', (error) => {
			forget();
			clearInterval(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			forget();
			clearInterval(timer);
			const secs = ((Date.now() - started) / 1000).toFixed(1);
			if (warnings) log(`${label}: ${warnings} npm warning lines (in ${logFile})`);
			if (code === 0) {
				log(`${label}: done in ${secs} s`);
				resolve();
			} else {
				reject(
					new Error(
						`${label} failed (${signal ?? `exit code ${code}`}) after ${secs} s; full log: ${logFile}\n` +
							tail.join('\n'),
					),
				);
			}
		});
	});
}

/**
 * `npm install <pkg>` into the folder `dir`, given the package.json `manifest`; the output goes to
 * <dir>/install.log. Install scripts never run: several download from GitHub (see install.mjs).
 */
export async function npmInstallInto(
	dir,
	pkg,
	{ manifest = { private: true }, omitDev = false, env = process.env, log, label, progress },
) {
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
	await runInstallCommand(
		'npm',
		[
			'install',
			...(omitDev ? ['--omit=dev'] : []),
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			pkg,
		],
		{ cwd: dir, env, log, label, logFile: path.join(dir, 'install.log'), progress },
	);
}
