/**
 * `sovra admin ...` as a real process (the built binary) against an admin API server made
 * of the real tenancy parts: the onboarding example of the README, tables and --json, the
 * secret shown once, policies from a file and from standard input, tokens, and exit codes
 * with one-line messages for bad usage and the API's refusals.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startAccountsServer, type AccountsServer } from './admin-accounts-harness.js';
import { ACCESS_KEY, SECRET_KEY } from './harness.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A table's rows as cells, cut at the header's column starts: misaligned columns come out wrong. */
function tableCells(text: string): string[][] {
  const [header = '', ...rows] = text.trimEnd().split('\n');
  const starts = [...header.matchAll(/(?:^|\s{2})(\S)/g)].map((m) => (m.index ?? 0) + m[0].length - 1);
  const cut = (line: string) => starts.map((at, i) => line.slice(at, starts[i + 1]).trim());
  for (const row of rows) for (const at of starts.slice(1)) assert.equal(row[at - 1], ' ', `column at ${at} misaligned in ${JSON.stringify(row)}`);
  return [cut(header), ...rows.map(cut)];
}

/** FIELD  VALUE lines as a record; every value starts in the same column. */
function fieldLines(text: string): Record<string, string> {
  const lines = text.trimEnd().split('\n');
  const column = Math.max(...lines.map((l) => (/^[A-Z][A-Z ]*?\s{2,}/.exec(l)?.[0].length ?? 0)));
  const out: Record<string, string> = {};
  for (const l of lines) {
    out[l.slice(0, column).trim()] = l.slice(column);
    assert.notEqual(l[column], ' ', `value misaligned in ${JSON.stringify(l)}`);
  }
  return out;
}

describe('sovra admin (the binary)', () => {
  let s: AccountsServer;
  let env: Record<string, string>;
  let dir: string;
  /** acme's first admin (alice): after onboarding, only acme's admins manage its users, keys and policies. */
  let acmeEnv: Record<string, string>;

  function sovra(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|SOVRA_)/.test(k)));
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [main, 'admin', ...args], { env: { ...base, ...(opts.env ?? env) } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
      child.stdin?.end(opts.stdin ?? '');
    });
  }

  async function ok(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
    const r = await sovra(args, opts);
    assert.equal(r.code, 0, `sovra admin ${args.join(' ')}: ${r.stderr}`);
    return r;
  }

  async function json<T = Record<string, any>>(args: string[], opts: { env?: Record<string, string> } = {}): Promise<T> {
    return JSON.parse((await ok([...args, '--json'], opts)).stdout) as T;
  }

  /** Exit 2 with exactly one line on stderr matching `pattern`, nothing on stdout. */
  async function usage(args: string[], pattern: RegExp): Promise<void> {
    const r = await sovra(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }

  before(async () => {
    s = await startAccountsServer();
    env = { SOVRA_ENDPOINT: s.url, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY };
    dir = mkdtempSync(join(tmpdir(), 'sovra-admin-cli-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await s.stop();
  });

  it('onboards a partner, a customer and a user from the command line', async () => {
    const partner = await ok(['partner', 'create', 'dt', '--regions', 'eu-fra,eu-lon', '--display-name', 'DT Cloud', '--support-contact', 'help@dt.example',
      '--logo-url', 'https://dt.example/logo.svg', '--color-primary', '#e20074', '--endpoint-host', 's3.dt.example']);
    const [head, , ...body] = partner.stdout.split('\n');
    assert.match(head ?? '', /^Partner dt created \(\d{12}\)\.$/);
    const shownPartner = fieldLines(body.join('\n'));
    assert.match(shownPartner['ID'] ?? '', /^\d{12}$/);
    assert.deepEqual([shownPartner['NAME'], shownPartner['KIND'], shownPartner['REGIONS'], shownPartner['COLOURS'], shownPartner['ENDPOINT HOST'], shownPartner['SUPPORT']],
      ['dt', 'partner', 'eu-fra, eu-lon', '#e20074', 's3.dt.example', 'help@dt.example']);

    const list = tableCells((await ok(['partner', 'list'])).stdout);
    assert.deepEqual(list[0], ['ID', 'NAME', 'DISPLAY NAME', 'REGIONS', 'STATUS', 'ENDPOINT HOST']);
    assert.deepEqual(list.slice(1), [[shownPartner['ID'], 'dt', 'DT Cloud', 'eu-fra, eu-lon', 'active', 's3.dt.example']]);
    const listed = await json<{ items: { name: string; brand: { colors: { primary: string } } }[] }>(['partner', 'list']);
    assert.deepEqual(listed.items.map((p) => [p.name, p.brand.colors.primary]), [['dt', '#e20074']]);

    const customer = await json(['customer', 'create', 'acme', '--partner', 'dt', '--regions', 'eu-fra', '--max-bytes', '10GiB', '--max-buckets', '20',
      '--max-rps', '100', '--max-queries', '2', '--max-query-time', '5m', '--max-query-memory', '512MiB', '--default-residency', 'DE', '--mandatory-residency', 'EU']);
    assert.deepEqual(customer['quotas'], {
      maxBytes: 10737418240, maxBuckets: 20, maxRequestsPerSecond: 100,
      maxConcurrentQueries: 2, maxQuerySeconds: 300, maxQueryMemoryBytes: 512 * 2 ** 20, maxQueryThreads: null, maxQueryResultBytes: null,
    });
    assert.deepEqual([customer['defaultResidency'], customer['mandatoryResidency']], [['DE'], ['EU']]);
    const shown = fieldLines((await ok(['customer', 'get', 'acme'])).stdout);
    assert.deepEqual([shown['MAX BYTES'], shown['MAX BUCKETS'], shown['MAX RPS'], shown['DEFAULT RESIDENCY'], shown['MANDATORY RESIDENCY']], ['10 GiB', '20', '100', 'DE', 'EU']);
    assert.deepEqual([shown['MAX QUERIES'], shown['MAX QUERY TIME'], shown['MAX QUERY MEMORY'], shown['MAX QUERY THREADS'], shown['MAX QUERY RESULT']], ['2', '5 min', '512 MiB', "server's", "server's"]);
    // Back to the server's limit; a value cannot lift a quota above it.
    const reset = await json(['customer', 'update', 'acme', '--max-query-time', 'server', '--max-query-threads', '1']);
    assert.deepEqual([reset['quotas'].maxQuerySeconds, reset['quotas'].maxQueryThreads], [null, 1]);
    await usage(['customer', 'update', 'acme', '--max-query-memory', 'unlimited'], /--max-query-memory: analytics quotas narrow the server's limits and cannot lift them; use 'server'/);
    await usage(['customer', 'update', 'acme', '--max-query-time', '0'], /--max-query-time: '0' is not a time of at least 1 s/);
    const tooSmall = await sovra(['customer', 'update', 'acme', '--max-query-memory', '1MiB']);
    assert.notEqual(tooSmall.code, 0);
    assert.match(tooSmall.stderr, /InvalidArgument: "maxQueryMemoryBytes" must be a whole number >= 67108864, or null for the server's limit/);
    const customers = tableCells((await ok(['customer', 'list', '--partner', 'dt'])).stdout);
    assert.deepEqual(customers, [
      ['ID', 'NAME', 'PARTNER ID', 'REGIONS', 'MAX BYTES', 'MAX BUCKETS', 'MAX RPS', 'STATUS'],
      [customer['id'], 'acme', shownPartner['ID'], 'eu-fra', '10 GiB', '20', '100', 'active'],
    ]);

    const user = await ok(['user', 'create', 'acme/alice', '--admin']);
    assert.match(user.stdout, /^User acme\/alice created \(admin\)\./);
    const key = await ok(['key', 'create', 'acme/alice']);
    assert.match(key.stdout, /^Access key created for acme\/alice\.\n\n/);
    const shownKey = fieldLines(key.stdout.split('\n').slice(2).join('\n'));
    const akid = shownKey['ACCESS KEY ID'] ?? '';
    const secret = shownKey['SECRET ACCESS KEY'] ?? '';
    assert.match(akid, /^SV[A-Z0-9]{18}$/);
    assert.ok(secret.length >= 30);
    assert.match(key.stderr, /it is shown only this once/);
    acmeEnv = { SOVRA_ENDPOINT: s.url, AWS_ACCESS_KEY_ID: akid, AWS_SECRET_ACCESS_KEY: secret };
    const who = fieldLines((await ok(['whoami'], { env: acmeEnv })).stdout);
    assert.deepEqual([who['USER'], who['ACCOUNT'], who['ACCOUNT KIND'], who['ADMIN']], ['alice', `acme (${customer['id']})`, 'customer', 'yes']);

    const keys = await ok(['key', 'list', 'acme/alice'], { env: acmeEnv });
    const keyRows = tableCells(keys.stdout);
    assert.deepEqual(keyRows[0], ['ACCESS KEY ID', 'STATUS', 'CREATED', 'LAST USED']);
    assert.deepEqual(keyRows[1]?.slice(0, 2), [akid, 'active']);
    assert.match(keyRows[1]?.[2] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.ok(!keys.stdout.includes(secret));

    const events = tableCells((await ok(['events', 'acme'], { env: acmeEnv })).stdout);
    assert.deepEqual(events[0], ['TIME', 'KIND', 'PRINCIPAL', 'BUCKET', 'ACTION', 'REGION', 'DETAIL']);
    assert.ok(events.slice(1).some((r) => r[1] === 'onboarding'), JSON.stringify(events));
  });

  it('manages keys: disable, enable, rotate, delete', async () => {
    await ok(['user', 'create', 'acme/bob'], { env: acmeEnv });
    const k = await json<{ accessKeyId: string; secretAccessKey: string }>(['key', 'create', 'acme/bob'], { env: acmeEnv });
    const bobEnv = { SOVRA_ENDPOINT: s.url, AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey };
    assert.equal((await ok(['key', 'disable', k.accessKeyId], { env: acmeEnv })).stdout, `Access key ${k.accessKeyId} disabled.\n`);
    const refused = await sovra(['whoami'], { env: bobEnv });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^sovra: (InvalidAccessKeyId|AccessDenied): /);
    await ok(['key', 'enable', k.accessKeyId], { env: acmeEnv });
    await ok(['whoami'], { env: bobEnv });
    const rotated = await ok(['key', 'rotate', k.accessKeyId, '--delete-old'], { env: acmeEnv });
    assert.match(rotated.stdout, new RegExp(`^Access key ${k.accessKeyId} rotated: deleted, replaced by SV[A-Z0-9]{18}\\.`));
    assert.match(rotated.stderr, /shown only this once/);
    const fresh = /replaced by (\S+)\./.exec(rotated.stdout)?.[1] ?? '';
    assert.equal((await ok(['key', 'delete', fresh], { env: acmeEnv })).stdout, `Access key ${fresh} deleted.\n`);
    assert.equal((await ok(['key', 'list', 'acme/bob'], { env: acmeEnv })).stdout, 'No access keys.\n');
    const gone = await sovra(['key', 'delete', fresh], { env: acmeEnv });
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /^sovra: NoSuchAccessKey: /);
  });

  it('puts policies from a file or standard input, and reports where a bad one is wrong', async () => {
    const doc = '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*" }]\n}\n';
    const file = join(dir, 'readonly.json');
    writeFileSync(file, doc);
    assert.equal((await ok(['policy', 'put', 'acme/bob', 'readonly', '--file', file], { env: acmeEnv })).stdout, 'Policy readonly of acme/bob saved.\n');
    assert.equal((await ok(['policy', 'get', 'acme/bob', 'readonly'], { env: acmeEnv })).stdout, doc);
    await ok(['policy', 'put', 'acme/bob', 'piped', '--file', '-'], { env: acmeEnv, stdin: doc });
    const list = tableCells((await ok(['policy', 'list', 'acme/bob'], { env: acmeEnv })).stdout);
    assert.deepEqual(list[0], ['NAME', 'UPDATED', 'SIZE']);
    assert.deepEqual(list.slice(1).map((r) => [r[0], r[2]]), [['piped', `${doc.length} B`], ['readonly', `${doc.length} B`]]);
    const bad = await sovra(['policy', 'put', 'acme/bob', 'bad', '--file', '-'], { env: acmeEnv, stdin: '{\n  "Statement": [\n    { "Effect": "Allow" "Action": "*" }\n  ]\n}' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^sovra: MalformedPolicy: line 3, column \d+: /);
    await ok(['policy', 'delete', 'acme/bob', 'piped'], { env: acmeEnv });
    assert.equal((await json<{ items: unknown[] }>(['policy', 'list', 'acme/bob'], { env: acmeEnv })).items.length, 1);
    await usage(['policy', 'put', 'acme/bob', 'x', '--file', join(dir, 'missing.json')], /^sovra admin policy put: cannot read .*missing\.json: ENOENT$/m);
  });

  it('creates tokens that work as --token, and deletes them', async () => {
    const t = await ok(['token', 'create', '--ttl', '3600']);
    assert.match(t.stdout, /^Token \S+ created, valid until /);
    assert.match(t.stderr, /shown only this once/);
    const shownToken = fieldLines(t.stdout.split('\n').slice(2).join('\n'));
    const token = shownToken['TOKEN'] ?? '';
    const id = shownToken['ID'] ?? '';
    const bearerEnv = { SOVRA_ENDPOINT: s.url, SOVRA_TOKEN: token };
    assert.equal(fieldLines((await ok(['whoami'], { env: bearerEnv })).stdout)['AUTHENTICATION'], 'bearer token');
    await ok(['token', 'delete', id]);
    const after = await sovra(['whoami', '--token', token], { env: { SOVRA_ENDPOINT: s.url } });
    assert.equal(after.code, 2);
    assert.match(after.stderr, /^sovra: AccessDenied: The bearer token is not valid/);
  });

  it('pages with --limit and prints the next cursor', async () => {
    for (const n of ['c1', 'c2', 'c3']) await ok(['customer', 'create', `page-${n}`, '--partner', 'dt', '--regions', 'eu-lon']);
    const first = await ok(['customer', 'list', '--limit', '2']);
    const cursor = /\n\nMore: --cursor (\S+)\n$/.exec(first.stdout)?.[1];
    assert.ok(cursor, first.stdout);
    const rest = await json<{ items: { name: string }[]; nextCursor?: string }>(['customer', 'list', '--limit', '10', '--cursor', cursor]);
    assert.equal(rest.items.length, 2);
    assert.equal(rest.nextCursor, undefined);
    assert.equal((await json<{ items: unknown[] }>(['customer', 'list'])).items.length, 4, 'every page without --limit');
  });

  it('refuses bad usage with one line and exit 2, and prints help on every level', async () => {
    await usage([], /^sovra admin: admin needs a noun/);
    await usage(['frob'], /^sovra admin: unknown noun 'frob'/);
    await usage(['key'], /^sovra admin key: admin key needs a verb: create, list, disable, enable, rotate, delete/);
    await usage(['key', 'smash'], /^sovra admin key: unknown verb 'smash'/);
    await usage(['user', 'create'], /^sovra admin user create: missing ACCOUNT\/USER; try 'sovra admin user create --help'$/m);
    await usage(['user', 'create', 'alice'], /'alice' is not ACCOUNT\/USER, e\.g\. acme\/alice/);
    await usage(['customer', 'create', 'x', '--partner', 'dt', '--max-bytes', 'ten'], /--max-bytes: 'ten' is not a size; use e\.g\. 10GiB, 500MB or 123/);
    await usage(['customer', 'create', 'x', '--bogus'], /^sovra admin customer create: Unknown option '--bogus'/);
    await usage(['partner', 'create', 'x'], /partner create needs --regions/);
    await usage(['customer', 'update', 'acme'], /customer update needs something to change/);
    await usage(['whoami', 'extra'], /too many arguments/);
    const noCreds = await sovra(['whoami'], { env: { SOVRA_ENDPOINT: s.url } });
    assert.equal(noCreds.code, 2);
    assert.match(noCreds.stderr, /^sovra admin whoami: no credentials/);
    // The API's refusals: `sovra: <code>: <message>`.
    const dup = await sovra(['partner', 'create', 'dt', '--regions', 'eu-fra']);
    assert.deepEqual([dup.code, dup.stdout], [2, '']);
    assert.match(dup.stderr, /^sovra: EntityAlreadyExists: An account named dt exists already\.\n$/);
    const unlicensed = await sovra(['customer', 'create', 'far', '--partner', 'dt', '--regions', 'ap-bom']);
    assert.match(unlicensed.stderr, /^sovra: InvalidRegion: dt is not licensed for ap-bom/);

    for (const args of [['--help'], ['partner', '--help'], ['partner', 'create', '--help'], ['key', 'rotate', '-h'], ['events', '--help'], ['whoami', '--help']]) {
      const r = await sovra(args, { env: {} });
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /^Usage:/, args.join(' '));
    }
    assert.match((await sovra(['partner', 'create', '--help'])).stdout, /--color-primary COLOUR/);
    const top = await new Promise<string>((resolve) => execFile(process.execPath, [main, 'help'], (_e, out) => resolve(out)));
    assert.match(top, /\n {2}admin {8}Manage partners, customers, users, access keys, policies and tokens/);
  });
});
