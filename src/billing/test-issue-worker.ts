/**
 * A worker thread for the store's concurrency test: opens its own handle on the billing
 * store (as another cluster worker would) and issues one invoice per recipient given,
 * each in its own transaction, interleaving with the other workers. Not used by production code.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { draftInvoice } from './invoice.js';
import { SqliteBillingStore } from './sqlite-billing-store.js';

const { file, issuerId, recipients } = workerData as { file: string; issuerId: string; recipients: string[] };
const store = new SqliteBillingStore(file, { busyTimeoutMs: 60_000 });
const numbers: string[] = [];
for (const recipientId of recipients) {
  const draft = draftInvoice({
    number: 'DRAFT', billing: 'retail', period: '2026-03', now: '2026-04-02T00:00:00Z', taxRates: { DE: '19' },
    issuer: { accountId: issuerId, name: 'Issuer', country: 'DE' }, recipient: { accountId: recipientId, name: recipientId, country: 'DE' },
    books: [{ id: 'b', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', entries: [{ meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.001' }] }] }],
    usage: [{ accountId: recipientId, bucket: 'b', region: 'de-1', meter: 'requests.read', hour: '2026-03-02T00:00:00Z', quantity: 1000n }],
  });
  const [issued] = store.issue([{ draft, issuerId, recipientId }], new Date('2026-04-02T00:00:00Z'));
  numbers.push(issued!.document.number);
}
store.close();
parentPort?.postMessage(numbers);
