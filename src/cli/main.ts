#!/usr/bin/env node
/**
 * The `sovra` command.
 */
import { readFileSync } from 'node:fs';
import { configHelp, loadConfig } from '../config/index.js';
import { isAppError } from '../core/errors.js';
import { serve } from './serve.js';

const USAGE = `Usage: sovra <command> [options]

Commands:
  serve        Run the S3 server: every region in one process (default), one region, or the control plane
  regions      List the regions of the topology and their zones; 'regions nearest' recommends one
  residency    Get or set a bucket's residency policy (and an account's mandatory one) via the admin API
  admin        Manage partners, customers, users, access keys, policies and tokens via the admin API
  usage        Metered usage by account, bucket, region, meter and time via the admin API
  billing      Price books, billing profiles, tax rates, invoices, credit notes and margins via the admin API
  query        Run SQL over your objects in their region: a table, CSV, JSON, Parquet or Arrow
  help         Show this help
  version      Print the version

Run 'sovra serve --help' for the server's options.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return;
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(version() + '\n');
      return;
    case 'serve': {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(`Usage: sovra serve [options]\n\nStarts the S3 API (and the admin API under /admin/v1/). With no --region it serves every region of the\ntopology in one process; --region and --control-plane run one node of a per-region deployment.\nOptions (flags override environment):\n${configHelp()}\n`);
        return;
      }
      await serve(loadConfig(rest, process.env));
      return;
    }
    case 'regions':
      process.exitCode = await (await import('./regions.js')).runRegionsCommand(rest, process.env, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      return;
    case 'residency':
      process.exitCode = await (await import('./residency.js')).runResidencyCommand(rest, process.env, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      return;
    case 'admin':
      process.exitCode = await (await import('./admin.js')).runAdminCommand(rest, process.env, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      return;
    case 'usage':
      process.exitCode = await (await import('./usage.js')).runUsageCommand(rest, process.env, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      return;
    case 'billing':
      process.exitCode = await (await import('./billing.js')).runBillingCommand(rest, process.env, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      return;
    case 'query': {
      const { runQueryCommand } = await import('./query.js');
      let cancel: (() => Promise<void>) | undefined;
      process.once('SIGINT', () => {
        process.stderr.write('\ncancelling the query...\n');
        void (cancel ? cancel() : Promise.resolve()).finally(() => process.exit(130));
      });
      process.exitCode = await runQueryCommand(rest, process.env, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        stdoutBytes: (b) => new Promise<void>((resolve) => (process.stdout.write(b) ? resolve() : process.stdout.once('drain', () => resolve()))),
        stderrIsTTY: process.stderr.isTTY === true,
        stdoutIsTTY: process.stdout.isTTY === true,
        onInterrupt: (c) => {
          cancel = c;
        },
      });
      return;
    }
    default:
      process.stderr.write(`sovra: unknown command "${command}"\n\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

/** Errors that explain a mistake in flags, files or data: their message is the whole story. */
function isUserError(err: unknown): err is Error {
  return isAppError(err) || (err instanceof Error && (err.name === 'TopologyError' || err.name === 'PlacementCheckError'));
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`sovra: ${isUserError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(isUserError(err) ? 2 : 1);
});
