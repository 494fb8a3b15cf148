import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, invoiceToCsv, invoiceToHtml, invoiceToJson } from './export.js';
import { creditNote } from './credit-note.js';
import { customerInvoice, issueInvoice, type InvoiceDocument } from './invoice.js';
import type { PriceBook } from './price-book.js';
import { AFTER_MARCH, customer, MARCH, partner, usage } from './test-support.js';

const BOOK: PriceBook = {
  id: 'csv-book', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.005' }] }],
};

function invoice(recipientName: string, brand = partner('partner-de', 'Cloud DE GmbH').brand): InvoiceDocument {
  return customerInvoice({
    number: 'INV-CSV', period: MARCH, now: AFTER_MARCH, books: [BOOK], taxRates: { DE: '19' },
    partner: { ...partner('partner-de', 'Cloud DE GmbH'), ...(brand ? { brand } : {}) }, partnerProfile: { country: 'DE', address: ['Hauptstr. 1', '10115 Berlin'] },
    customer: customer('c1', 'partner-de', 'Acme'), customerProfile: { country: 'DE', legalName: recipientName },
    // 10,000 writes = 10 x 0.005 = 0.05; DE 19% = 0.0095 -> 0.01; 0.06
    usage: [usage('c1', 'eu-fra', 'requests.write', 0, 10_000n)],
  });
}

/** A strict RFC 4180 reader, to check the CSV round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else { field += text[i]; i++; }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    assert.equal(text.slice(i, i + 2), '\r\n', 'rows end with CRLF');
    i += 2;
    rows.push(row);
    row = [];
  }
  return rows;
}

describe('worked examples: exports', () => {
  it('CSV: one row per line, RFC 4180 quoting, formulas neutralised', () => {
    const csv = invoiceToCsv(invoice('=HYPERLINK("http://x","y")'));
    assert.equal(csv, [
      'document_number,document_type,status,period,currency,issuer,recipient,line_id,line_kind,reverses,description,region,meter,from,to,price_book,quantity,unit,free_quantity,billed_quantity,price_unit,unit_prices,amount',
      'INV-CSV,invoice,draft,2026-03,EUR,Cloud DE GmbH,"\'=HYPERLINK(""http://x"",""y"")",L1,usage,,"Write-class requests (PUT, POST, COPY, LIST), eu-fra",eu-fra,requests.write,2026-03-01T00:00:00Z,2026-04-01T00:00:00Z,csv-book,10000,request,0,10,"1,000 requests",0.005,0.05',
      '',
    ].join('\r\n'));
  });

  it('CSV: line breaks and quotes in names survive a round trip; credit-note amounts stay numeric', () => {
    const inv = issueInvoice(invoice('Acme "Ltd"\r\nBerlin, Mitte'), AFTER_MARCH);
    const rows = parseCsv(invoiceToCsv(inv));
    assert.equal(rows.length, 2);
    assert.equal(rows[1]![6], 'Acme "Ltd"\r\nBerlin, Mitte');
    const cn = creditNote({ number: 'CN-CSV', invoice: inv, reason: 'test', now: AFTER_MARCH });
    const cnRows = parseCsv(invoiceToCsv(cn));
    assert.deepEqual([cnRows[1]![0], cnRows[1]![1], cnRows[1]![9], cnRows[1]![16], cnRows[1]![22]], ['CN-CSV', 'credit-note', 'L1', '-10000', '-0.05']);
    assert.equal(csvField('-0.05', false), '-0.05');
    assert.equal(csvField('-cmd'), "'-cmd");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('plain'), 'plain');
  });

  it('HTML: a standalone page, every text escaped, only safe brand colours and logos', () => {
    const hostile = invoiceToHtml(invoice('<img src=x onerror=alert(1)>', {
      displayName: '<script>alert("x")</script>', colors: { primary: '#e20074', accent: 'red;}</style><script>' }, logoUrl: 'javascript:alert(1)',
      supportContact: 'help@cloud.example & "co"',
    }));
    assert.ok(hostile.startsWith('<!DOCTYPE html>'));
    assert.doesNotMatch(hostile, /<script/i);
    assert.doesNotMatch(hostile, /<img/);
    assert.doesNotMatch(hostile, /javascript:/);
    assert.match(hostile, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(hostile, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(hostile, /border-bottom: 4px solid #e20074/);
    assert.match(hostile, /th \{ background: #e5e7eb/);
    assert.match(hostile, /help@cloud\.example &amp; &quot;co&quot;/);
    assert.doesNotMatch(hostile, /<link|src="http/);

    const branded = invoiceToHtml(invoice('Acme AG', { displayName: 'Cloud DE', logoUrl: 'https://cdn.example/logo.svg?a=1&b=2', colors: { accent: '#ffeeff' } }));
    assert.match(branded, /<img src="https:\/\/cdn\.example\/logo\.svg\?a=1&amp;b=2" alt="Cloud DE">/);
    assert.match(branded, /<h1>Invoice INV-CSV<\/h1>/);
    assert.match(branded, /Hauptstr\. 1/);
    assert.match(branded, /<td class="num">0\.005<\/td>/);
    assert.match(branded, /Subtotal<\/td><td class="num">0\.05</);
    assert.match(branded, /Tax DE 19%<\/td><td class="num">0\.01</);
    assert.match(branded, /<strong>0\.06 EUR<\/strong>/);
  });

  it('JSON: the document as it is, exact decimal strings and all', () => {
    const inv = invoice('Acme AG');
    const back = JSON.parse(invoiceToJson(inv)) as InvoiceDocument;
    assert.deepEqual(back, inv);
    assert.equal(back.total, '0.06');
  });
});
