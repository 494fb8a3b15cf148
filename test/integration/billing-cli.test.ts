/**
 * `sovra usage` and `sovra billing ...` as real processes (the built binary) against an admin
 * API server of the real tenancy and billing parts: price books from files, profiles, tax
 * rates, an invoice run, show and export, a credit note, the margin, readable tables and
 * --json, --help at every level, and exit codes (2 for bad usage and the API's refusals,
 * 1 for an unreachable server). Usage comes from the harness's test double of the metering
 * store.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Account } from '../../src/client/admin-types.js';
import { startAccountsServer, type AccountsServer } from './admin-accounts-harness.js';
import { ACCESS_KEY, SECRET_KEY } from './harness.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const GB = 1_000_000_000n;

describe('sovra usage and sovra billing (the binary)', () => {
  let s: AccountsServer;
  let dir: string;
  let opEnv: Record<string, string>;
  let dtEnv: Record<string, string>;
  let acmeEnv: Record<string, string>;
  let dt: Account;
  let acme: Account;

  function sovra(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|SOVRA_)/.test(k)));
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [main, ...args], { env: { ...base, ...env } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
      child.stdin?.end(stdin);
    });
  }
  async function ok(args: string[], env: Record<string, string>, stdin = ''): Promise<string> {
    const r = await sovra(args, env, stdin);
    assert.equal(r.code, 0, `sovra ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }
  /** Exit 2 with one line on stderr matching `pattern`. */
  async function refused(args: string[], env: Record<string, string>, pattern: RegExp): Promise<void> {
    const r = await sovra(args, env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }
  function keysEnv(accessKeyId: string, secretAccessKey: string): Record<string, string> {
    return { SOVRA_ENDPOINT: s.url, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey };
  }

  before(async () => {
    s = await startAccountsServer();
    dir = mkdtempSync(join(tmpdir(), 'sovra-billing-cli-'));
    opEnv = keysEnv(ACCESS_KEY, SECRET_KEY);
    dt = await s.operator.createPartner({ name: 'dt', displayName: 'DT Cloud', regions: ['eu-fra'] });
    await s.operator.createUser('dt', { name: 'admin', admin: true });
    const dk = await s.operator.createAccessKey('dt', 'admin');
    dtEnv = keysEnv(dk.accessKeyId, dk.secretAccessKey);
    const dtClient = s.as(dk);
    acme = await dtClient.createCustomer({ name: 'acme', displayName: 'Acme AG', regions: ['eu-fra'] });
    await dtClient.createUser('acme', { name: 'alice', admin: true });
    const ak = await dtClient.createAccessKey('acme', 'alice');
    acmeEnv = keysEnv(ak.accessKeyId, ak.secretAccessKey);
    // October 2026: 2 TB stored all month in eu-fra, 3,000,000 reads.
    for (let h = 0; h < 744; h++) {
      const hour = new Date(Date.UTC(2026, 9, 1) + h * 3_600_000).toISOString().replace('.000Z', 'Z');
      s.usage.push({ accountId: acme.id, bucket: 'photos', region: 'eu-fra', meter: 'storage.byte_hours', hour, quantity: 2000n * GB });
    }
    s.usage.push({ accountId: acme.id, bucket: 'photos', region: 'eu-fra', meter: 'requests.read', hour: '2026-10-15T10:00:00Z', quantity: 3_000_000n });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await s.stop();
  });

  it('has --help at every level', async () => {
    assert.match(await ok(['billing', '--help'], {}), /^Usage: sovra billing <noun> <verb>/);
    assert.match(await ok(['billing', 'invoice', '--help'], {}), /sovra billing invoice run --period YYYY-MM --billing retail\|wholesale/);
    assert.match(await ok(['billing', 'invoice', 'export', '--help'], {}), /^Usage: sovra billing invoice export NUMBER --format json\|csv\|html \[options\]/);
    assert.match(await ok(['usage', '--help'], {}), /^Usage: sovra usage \[options\]/);
    assert.match(await ok(['--help'], {}), /billing {6}Price books/);
    await refused(['billing'], opEnv, /^sovra billing: billing needs a noun/);
    await refused(['billing', 'invoice', 'print'], opEnv, /unknown verb 'print'/);
    await refused(['billing', 'invoice', 'run', '--period', '2026-10'], opEnv, /--billing is required/);
    await refused(['usage', '--granularity', 'week'], opEnv, /--granularity must be one of hour, day, month, total/);
  });

  it('prices, invoices, exports and corrects a month from the command line', async () => {
    const wholesale = join(dir, 'dt-wholesale.json');
    writeFileSync(wholesale, JSON.stringify({
      id: 'dt-2026', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
      entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.01' }] }, { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.0002' }] }],
    }));
    const set = await ok(['billing', 'price-book', 'set', 'dt', '--file', wholesale], opEnv);
    assert.match(set, /^Price book dt-2026 set for \d{12}\./);
    assert.match(set, /storage\.byte_hours\s+\*\s+-\s+0\.01/);
    // The partner's retail price: a 50% markup, from standard input.
    await ok(['billing', 'price-book', 'set', 'acme', '--file', '-', '--id', 'acme-retail'], dtEnv, JSON.stringify({ kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '50' } }));
    const books = (await ok(['billing', 'price-book', 'list', 'acme'], acmeEnv)).trimEnd().split('\n');
    assert.deepEqual(books.map((l) => l.split(/\s{2,}/)), [
      ['ID', 'BILLING', 'CURRENCY', 'VALID', 'PRICING', 'MINIMUM FEE'],
      ['acme-retail', 'retail', 'EUR', '2026-01-01 00:00Z .. open', 'wholesale + 50%', '-'],
    ]);
    await refused(['billing', 'price-book', 'set', 'dt', '--file', join(dir, 'missing.json')], opEnv, /cannot read .*missing\.json: ENOENT/);
    writeFileSync(join(dir, 'negative.json'), JSON.stringify({ id: 'neg', currency: 'EUR', validFrom: '2027-01-01T00:00:00Z', entries: [{ meter: 'objects', region: '*', tiers: [{ unitPrice: '-1' }] }] }));
    await refused(['billing', 'price-book', 'set', 'dt', '--file', join(dir, 'negative.json')], opEnv, /^sovra: InvalidArgument: Price book 'neg': entries\[0\]\.tiers\[0\]\.unitPrice/);

    await ok(['billing', 'tax-rate', 'set', 'DE', '19'], opEnv);
    assert.deepEqual((await ok(['billing', 'tax-rate', 'list'], acmeEnv)).trimEnd().split('\n').map((l) => l.split(/\s+/)), [['COUNTRY', 'RATE'], ['DE', '19%']]);
    await refused(['billing', 'tax-rate', 'set', 'DE', '7'], dtEnv, /^sovra: AccessDenied: only the operator's administrators set tax rates/);
    await ok(['billing', 'profile', 'set', '000000000000', '--country', 'DE', '--legal-name', 'Sovra Operations GmbH'], opEnv);
    await ok(['billing', 'profile', 'set', 'dt', '--country', 'DE', '--legal-name', 'DT Cloud GmbH', '--address', 'Landgrabenweg 151', '--address', '53227 Bonn', '--tax-id', 'DE123'], opEnv);
    await ok(['billing', 'profile', 'set', 'acme', '--country', 'DE', '--legal-name', 'Acme AG'], acmeEnv);
    assert.match(await ok(['billing', 'profile', 'get', 'dt'], dtEnv), /ADDRESS\s+Landgrabenweg 151, 53227 Bonn/);

    const usage = await ok(['usage', '--account', 'acme', '--period', '2026-10', '--granularity', 'total'], acmeEnv);
    assert.deepEqual(usage.trimEnd().split('\n').slice(2).map((l) => l.split(/\s{2,}/)), [
      ['ACCOUNT', 'BUCKET', 'REGION', 'METER', 'START', 'QUANTITY', 'UNIT'],
      [acme.id, 'photos', 'eu-fra', 'requests.read', '2026-10-01 00:00Z', '3,000,000', 'request'],
      [acme.id, 'photos', 'eu-fra', 'storage.byte_hours', '2026-10-01 00:00Z', '1,488,000,000,000,000', 'byte-hour'],
    ]);
    const usageJson = JSON.parse(await ok(['usage', '--period', '2026-10', '--granularity', 'month', '--meter', 'requests.read', '--json'], dtEnv)) as { items: { quantity: string }[] };
    assert.deepEqual(usageJson.items.map((i) => i.quantity), ['3000000']);

    await refused(['billing', 'invoice', 'run', '--period', new Date().toISOString().slice(0, 7), '--billing', 'retail'], dtEnv, /^sovra: InvalidArgument: The period \d{4}-\d\d is still open/);
    const run = await ok(['billing', 'invoice', 'run', '--period', '2026-10', '--billing', 'retail'], dtEnv);
    assert.match(run, /^Retail invoices for 2026-10: 1 invoice issued, 0 issued before\./);
    const number = `INV-${dt.id}-2026-000001`;
    // storage 2,000 GB-months x 0.015 = 30.00; reads 3,000 x 0.0003 = 0.90; 30.90; DE 19% = 5.871 -> 5.87; 36.77
    assert.match(run, new RegExp(`${number}\\s+invoice\\s+retail\\s+2026-10\\s+DT Cloud GmbH\\s+Acme AG\\s+30\\.90\\s+5\\.87\\s+36\\.77\\s+EUR`));
    assert.match(await ok(['billing', 'invoice', 'run', '--period', '2026-10', '--billing', 'retail'], dtEnv), /0 invoices issued, 1 issued before/);

    const shown = await ok(['billing', 'invoice', 'show', number], acmeEnv);
    assert.match(shown, /^INVOICE {2,}INV-/);
    assert.match(shown, /L1\s+eu-fra\s+requests\.read\s+3,000,000 request\s+3000 1,000 requests\s+0\.0003\s+0\.90/);
    assert.match(shown, /L2\s+eu-fra\s+storage\.byte_hours\s+1,488,000,000,000,000 byte-hour\s+2000 GB-month\s+0\.015\s+30\.00/);
    assert.match(shown, /TOTAL\s+36\.77 EUR/);

    const html = join(dir, 'invoice.html');
    assert.match(await ok(['billing', 'invoice', 'export', number, '--format', 'html', '--out', html], acmeEnv), /^Wrote INV-.* as html to .*invoice\.html/);
    assert.match(readFileSync(html, 'utf8'), /36\.77/);
    const csv = await ok(['billing', 'invoice', 'export', number, '--format', 'csv'], acmeEnv);
    assert.equal(csv.split('\r\n').filter((l) => l !== '').length, 3);
    await refused(['billing', 'invoice', 'export', number, '--format', 'pdf'], acmeEnv, /--format must be json, csv or html/);
    await refused(['billing', 'invoice', 'show', number], opEnv, /^sovra: NoSuchInvoice:/);

    const cn = await ok(['billing', 'credit-note', 'create', number, '--lines', 'L1', '--reason', 'Reads counted twice'], dtEnv);
    assert.match(cn, new RegExp(`^Credit note CN-${dt.id}-2026-000001 issued\\.`));
    assert.match(cn, /TOTAL\s+-1\.07 EUR/);
    await refused(['billing', 'credit-note', 'create', number, '--lines', 'L1', '--reason', 'again'], dtEnv, /^sovra: Conflict: Line L1 .* already credited/);
    const list = (await ok(['billing', 'invoice', 'list', 'acme'], acmeEnv)).trimEnd().split('\n');
    assert.deepEqual(list.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2)), [[`CN-${dt.id}-2026-000001`, 'credit-note'], [number, 'invoice']]);

    await ok(['billing', 'invoice', 'run', '--period', '2026-10', '--billing', 'wholesale'], opEnv);
    const margin = await ok(['billing', 'margin', 'dt', '--period', '2026-10'], dtEnv);
    // wholesale: storage 2,000 x 0.01 = 20.00; reads 3,000 x 0.0002 = 0.60; 20.60; margin 30.90 - 20.60 = 10.30
    assert.match(margin, new RegExp(`${acme.id}\\s+Acme AG\\s+30\\.90\\s+20\\.60\\s+10\\.30`));
    const marginJson = JSON.parse(await ok(['billing', 'margin', 'dt', '--period', '2026-10', '--json'], dtEnv)) as { totals: { margin: string } };
    assert.equal(marginJson.totals.margin, '10.30');
  });

  it('exits 1 when the server cannot be reached', async () => {
    const r = await sovra(['billing', 'tax-rate', 'list'], { ...opEnv, SOVRA_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach the Sovra admin API/);
  });
});
