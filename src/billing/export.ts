/**
 * Invoice exports: JSON (the document itself), CSV (one row per line, RFC 4180) and a
 * standalone printable HTML page. All three are pure functions of the document.
 */
import type { InvoiceDocument } from './invoice.js';
import { displayPrice } from './rate.js';

/** The document as pretty JSON (every amount already a decimal string, so nothing is lost). */
export function invoiceToJson(doc: InvoiceDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'document_number', 'document_type', 'status', 'period', 'currency', 'issuer', 'recipient',
  'line_id', 'line_kind', 'reverses', 'description', 'region', 'meter', 'from', 'to', 'price_book',
  'quantity', 'unit', 'free_quantity', 'billed_quantity', 'price_unit', 'unit_prices', 'amount',
] as const;

/** Text columns that spreadsheets could read as formulas; numeric columns stay untouched. */
const TEXT_COLUMNS = new Set<string>(['issuer', 'recipient', 'description', 'region', 'price_book', 'reverses']);

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF, with
 * quotes doubled. Text cells starting with = + - @ or a tab/CR get a leading "'" so a
 * spreadsheet shows them instead of evaluating them (CSV injection).
 */
export function csvField(value: string, text = true): string {
  const v = text && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The document's lines as CSV: a header row, then one row per line; CRLF line ends (RFC 4180). */
export function invoiceToCsv(doc: InvoiceDocument): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const l of doc.lines) {
    rows.push([
      doc.number, doc.documentType, doc.status, doc.period, doc.currency, doc.issuer.name, doc.recipient.name,
      l.id, l.kind, l.reverses ?? '', l.description, l.region ?? '', l.meter ?? '', l.from, l.to, l.priceBookId ?? '',
      l.quantity, l.unit, l.freeQuantity, l.billedQuantity, l.priceUnit, l.tiers.map((t) => t.unitPrice).join(' '), l.amount,
    ]);
  }
  return rows.map((r) => r.map((v, i) => csvField(v, TEXT_COLUMNS.has(CSV_COLUMNS[i]!))).join(',')).join('\r\n') + '\r\n';
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** Only #hex colours reach the style sheet; anything else falls back (no CSS injection). */
function safeColor(c: string | undefined, fallback: string): string {
  return c && COLOR.test(c) ? c : fallback;
}

/** Only http(s) logo addresses are linked (no javascript: or data: URLs). */
function safeUrl(u: string | undefined): string | undefined {
  if (!u) return undefined;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function partyBlock(title: string, p: InvoiceDocument['issuer']): string {
  const rows = [p.name, ...(p.address ?? []), p.country, ...(p.taxId ? [`Tax ID: ${p.taxId}`] : [])];
  return `<div class="party"><h2>${escapeHtml(title)}</h2>${rows.map((r) => `<div>${escapeHtml(r)}</div>`).join('')}</div>`;
}

/**
 * A standalone printable page (inline CSS, no scripts, no external resources but the
 * brand logo). Every text from the document is escaped; the issuer's brand colours
 * and logo are used when given and safe.
 */
export function invoiceToHtml(doc: InvoiceDocument): string {
  const brand = doc.issuer.brand;
  const primary = safeColor(brand?.colors?.primary, '#1f2937');
  const accent = safeColor(brand?.colors?.accent, '#e5e7eb');
  const logo = safeUrl(brand?.logoUrl);
  const title = `${doc.documentType === 'invoice' ? 'Invoice' : 'Credit note'} ${doc.number}`;
  const head = brand?.displayName ?? doc.issuer.name;
  const lines = doc.lines.map((l) => `<tr>
<td>${escapeHtml(l.id)}</td><td>${escapeHtml(l.description)}${l.priceBookId ? `<div class="muted">${escapeHtml(l.from)} to ${escapeHtml(l.to)} · ${escapeHtml(l.priceBookId)}</div>` : ''}</td>
<td class="num">${escapeHtml(l.billedQuantity)} ${escapeHtml(l.priceUnit)}</td>
<td class="num">${escapeHtml(l.tiers.map((t) => displayPrice(t.unitPrice, doc.currency)).join(' / '))}</td>
<td class="num">${escapeHtml(l.amount)}</td></tr>`).join('\n');
  const credits = doc.credits
    ? `<p>Reverses lines ${escapeHtml(doc.credits.lineIds.join(', '))} of invoice ${escapeHtml(doc.credits.invoiceNumber)}: ${escapeHtml(doc.credits.reason)}</p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; color: #111; margin: 2rem; }
header { display: flex; justify-content: space-between; align-items: center; border-bottom: 4px solid ${primary}; padding-bottom: 1rem; }
header img { max-height: 56px; }
h1 { color: ${primary}; margin: 0; }
.parties { display: flex; gap: 4rem; margin: 1.5rem 0; }
.party h2 { font-size: 0.8rem; text-transform: uppercase; color: #555; }
table { width: 100%; border-collapse: collapse; }
th { background: ${accent}; text-align: left; }
th, td { padding: 0.35rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.num { text-align: right; white-space: nowrap; }
.muted { color: #666; font-size: 0.8rem; }
.totals td { border: none; }
.status { color: ${primary}; font-weight: bold; text-transform: uppercase; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<header>
<div>${logo ? `<img src="${escapeHtml(logo)}" alt="${escapeHtml(head)}">` : `<strong>${escapeHtml(head)}</strong>`}</div>
<div><h1>${escapeHtml(title)}</h1><div class="status">${escapeHtml(doc.status)}</div></div>
</header>
<div class="parties">${partyBlock('From', doc.issuer)}${partyBlock('To', doc.recipient)}</div>
<p>Period ${escapeHtml(doc.period)} (${escapeHtml(doc.from)} to ${escapeHtml(doc.to)}) · Currency ${escapeHtml(doc.currency)}${doc.issuedAt ? ` · Issued ${escapeHtml(doc.issuedAt)}` : ''}</p>
${credits}
<table>
<thead><tr><th>Line</th><th>Description</th><th class="num">Quantity</th><th class="num">Unit price</th><th class="num">Amount (${escapeHtml(doc.currency)})</th></tr></thead>
<tbody>
${lines}
</tbody>
<tfoot class="totals">
<tr><td colspan="4" class="num">Subtotal</td><td class="num">${escapeHtml(doc.subtotal)}</td></tr>
<tr><td colspan="4" class="num">Tax ${escapeHtml(doc.taxCountry)} ${escapeHtml(doc.taxRate)}%</td><td class="num">${escapeHtml(doc.tax)}</td></tr>
<tr><td colspan="4" class="num"><strong>Total</strong></td><td class="num"><strong>${escapeHtml(doc.total)} ${escapeHtml(doc.currency)}</strong></td></tr>
</tfoot>
</table>
${brand?.supportContact ? `<p class="muted">Support: ${escapeHtml(brand.supportContact)}</p>` : ''}
</body>
</html>
`;
}
