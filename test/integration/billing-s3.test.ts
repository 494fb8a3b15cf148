/**
 * From S3 traffic to an invoice on the whole server (startApp, as `sovra serve` runs it):
 * accounts made through the admin API, a customer's real S3 requests through the AWS SDK,
 * metered by the server, read back with GET /admin/v1/usage (no object keys on the way),
 * priced by the partner's markup on the operator's wholesale book, and invoiced line by
 * line. The month is the current one: the billing clock is set after its end (the one
 * thing faked; the traffic and its metering are real).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { AdminClient } from '../../src/client/admin-client.js';
import type { UsagePage } from '../../src/client/admin-types.js';
import { loadConfig } from '../../src/config/index.js';
import { ACCESS_KEY, REGION, SECRET_KEY } from './harness.js';

const now = new Date();
const PERIOD = now.toISOString().slice(0, 7);
/** The 2nd of next month: the current month has ended for invoice runs. */
const AFTER_MONTH = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
const KEYS = ['photos/2026/one.jpg', 'photos/2026/two.jpg', 'secret-plan.txt'];

describe('S3 traffic to invoice, on the whole server', () => {
  let app: RunningApp;
  let dataDir: string;
  let op: AdminClient;
  let partner: AdminClient;
  let customer: AdminClient;
  let s3: S3Client;
  let customerId: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sovra-billing-s3-'));
    const config = loadConfig(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-fsync'], {
      SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY, SOVRA_METERING_FLUSH_MS: '50',
    });
    app = await startApp(config, { log: () => undefined, billingClock: () => AFTER_MONTH });
    op = new AdminClient({ endpoint: app.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    await op.createPartner({ name: 'cloud-de', regions: [REGION] });
    await op.createUser('cloud-de', { name: 'admin', admin: true });
    const pk = await op.createAccessKey('cloud-de', 'admin');
    partner = new AdminClient({ endpoint: app.url, ...pk });
    customerId = (await partner.createCustomer({ name: 'acme', regions: [REGION] })).id;
    await partner.createUser('acme', { name: 'alice', admin: true });
    const ck = await partner.createAccessKey('acme', 'alice');
    customer = new AdminClient({ endpoint: app.url, ...ck });
    s3 = new S3Client({ endpoint: app.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: ck.accessKeyId, secretAccessKey: ck.secretAccessKey } });
  });
  after(async () => {
    s3?.destroy();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('meters the customer\'s requests and bytes, and invoices them on the partner\'s prices', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-billing' }));
    for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: 'acme-billing', Key: key, Body: Buffer.alloc(1000, 7) }));
    for (const key of KEYS.slice(0, 2)) await (await s3.send(new GetObjectCommand({ Bucket: 'acme-billing', Key: key }))).Body?.transformToByteArray();
    await s3.send(new HeadObjectCommand({ Bucket: 'acme-billing', Key: KEYS[2] }));
    await s3.send(new ListObjectsV2Command({ Bucket: 'acme-billing' }));

    // Counts reach the store within the flush interval; read until they are all there. Bytes are
    // what crossed the wire: bodies in (with aws-chunked framing), bodies out (with XML answers).
    const want = { 'requests.write': '5', 'requests.read': '3' };
    let page: UsagePage | undefined;
    let raw = '';
    for (let i = 0; i < 200; i++) {
      raw = await customer.request<string>('GET', 'usage', { query: { account: 'acme', period: PERIOD, granularity: 'total' }, raw: true });
      page = JSON.parse(raw) as UsagePage;
      const got = Object.fromEntries(page.items.map((r) => [r.meter, r.quantity]));
      if (Object.entries(want).every(([m, q]) => got[m] === q)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const totals = Object.fromEntries(page!.items.map((r) => [r.meter, r.quantity]));
    assert.deepEqual(Object.fromEntries(Object.keys(want).map((m) => [m, totals[m]])), want);
    const bytesIn = BigInt(totals['bytes.in'] ?? '0');
    const bytesOut = BigInt(totals['bytes.out'] ?? '0');
    assert.ok(bytesIn >= 3000n && bytesIn < 4000n, `bytes in ${bytesIn}: the three 1,000-byte bodies and their framing`);
    assert.ok(bytesOut >= 2000n && bytesOut < 6000n, `bytes out ${bytesOut}: the two 1,000-byte bodies and the XML answers`);
    assert.ok(page!.items.every((r) => r.accountId === customerId && r.bucket === 'acme-billing' && r.region === REGION));
    for (const key of [...KEYS, 'photos', 'secret-plan']) assert.ok(!raw.includes(key), `usage carries no object key (${key})`);

    // Prices: the operator's wholesale book for the partner, the partner's 100% markup for acme.
    const perRequest = (p: string) => [{ unitPrice: p }];
    await op.putPriceBook('cloud-de', 'w', {
      currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
      entries: [
        { meter: 'requests.write', region: '*', tiers: perRequest('50') }, // 0.05 per request
        { meter: 'requests.read', region: '*', tiers: perRequest('10') },
        { meter: 'bytes.in', region: '*', tiers: perRequest('5000') }, // 0.000005 per byte
        { meter: 'bytes.out', region: '*', tiers: perRequest('10000') },
        { meter: 'storage.byte_hours', region: '*', tiers: perRequest('0') },
        { meter: 'objects', region: '*', tiers: perRequest('0') },
      ],
    });
    await partner.putPriceBook('acme', 'r', { kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '100' } });
    await op.putTaxRate('DE', '19');
    for (const [c, a] of [[op, '000000000000'], [op, 'cloud-de'], [partner, 'acme']] as const) await c.putBillingProfile(a, { country: 'DE', legalName: a });

    const run = await partner.runInvoices({ period: PERIOD, billing: 'retail' });
    assert.equal(run.created, 1);
    const inv = await customer.getInvoice(run.invoices[0]!.number);
    const lines = Object.fromEntries(inv.lines.map((l) => [l.meter, [l.quantity, l.amount]]));
    // Cents, each line rounded half-up once. Retail = 2 x wholesale: a write 10 cents, a read 2, a byte in 0.001, a byte out 0.002.
    const halfUp = (n: bigint, d: bigint) => (n * 2n + d) / (2n * d);
    const eur = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    const retail = { w: 50n, r: 6n, in: halfUp(bytesIn, 1000n), out: halfUp(bytesOut * 2n, 1000n) };
    assert.deepEqual(lines['requests.write'], ['5', '0.50']);
    assert.deepEqual(lines['requests.read'], ['3', '0.06']);
    assert.deepEqual(lines['bytes.in'], [bytesIn.toString(), eur(retail.in)]);
    assert.deepEqual(lines['bytes.out'], [bytesOut.toString(), eur(retail.out)]);
    // Storage accrues byte-hours by the second: 3,000 bytes for these few seconds are a handful (priced at 0 here).
    if (totals['storage.byte_hours'] !== undefined) assert.deepEqual(lines['storage.byte_hours'], [totals['storage.byte_hours'], '0.00']);
    const subtotal = retail.w + retail.r + retail.in + retail.out;
    const tax = halfUp(subtotal * 19n, 100n);
    assert.deepEqual([inv.subtotal, inv.tax, inv.total], [eur(subtotal), eur(tax), eur(subtotal + tax)]);

    const wholesale = await op.runInvoices({ period: PERIOD, billing: 'wholesale' });
    const cost = 25n + 3n + halfUp(bytesIn, 2000n) + halfUp(bytesOut, 1000n);
    assert.deepEqual(wholesale.invoices.map((i) => [i.recipientName, i.subtotal]), [['cloud-de', eur(cost)]]);
    const margin = await partner.getMarginReport('cloud-de', PERIOD);
    assert.deepEqual(margin.rows.map((r) => [r.retail, r.wholesale, r.margin]), [[eur(subtotal), eur(cost), eur(subtotal - cost)]]);
  });
});
