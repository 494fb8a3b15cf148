/**
 * Idempotency-Key handling over the ledger. Responses can carry secrets shown once (a new
 * access key's secret, a bearer token), and secrets are never stored in plain text: the
 * ledger holds the key's SHA-256 and the response sealed (AES-256-GCM) with a key derived
 * from the Idempotency-Key itself, so only a client presenting the original key can read a
 * replay. (A guessable Idempotency-Key protects less; clients should use random ones.)
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { fail, isAppError } from '../core/errors.js';
import type { IdempotencyLedger } from '../tenancy/model.js';
import type { Reply } from './route.js';

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface Sealed {
  sealed: string;
}

function keyFor(idempotencyKey: string, userId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', idempotencyKey, userId, 'sovra admin idempotency replay', 32));
}

export function sealReply(body: unknown, key: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(body ?? null), 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64') };
}

export function openReply(stored: unknown, key: Buffer): unknown {
  const text = (stored as Partial<Sealed> | null)?.sealed;
  if (typeof text !== 'string') throw fail('Internal', 'An idempotency ledger entry is not a sealed response.');
  const raw = Buffer.from(text, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  return JSON.parse(json) as unknown;
}

/** Runs `act` once per (user, Idempotency-Key); the same request again answers the first reply. */
export async function runIdempotent(
  ledger: IdempotencyLedger,
  o: { userId: string; idempotencyKey: string; fingerprint: string },
  act: () => Promise<Reply>,
): Promise<Reply & { replayed: boolean }> {
  if (!IDEMPOTENCY_KEY_PATTERN.test(o.idempotencyKey)) {
    throw fail('InvalidArgument', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.', { details: { ArgumentName: 'Idempotency-Key' } });
  }
  const seal = keyFor(o.idempotencyKey, o.userId);
  const id = createHash('sha256').update(o.idempotencyKey).digest('hex');
  try {
    const r = await ledger.run(o.userId, id, o.fingerprint, async () => {
      const reply = await act();
      return { status: reply.status, body: sealReply(reply.body, seal) };
    });
    const body = openReply(r.body, seal);
    return { status: r.status, ...(body === null ? {} : { body }), replayed: r.replayed };
  } catch (e) {
    // The ledger names the key it was given (our hash); name the client's.
    if (isAppError(e) && e.code === 'IdempotencyKeyReused') {
      throw fail('IdempotencyKeyReused', `The Idempotency-Key '${o.idempotencyKey}' was used for a different request in the last 24 hours; use a new key.`);
    }
    if (isAppError(e) && e.code === 'Conflict' && e.message.includes(id)) {
      throw fail('Conflict', `A request with the Idempotency-Key '${o.idempotencyKey}' is still in progress; retry later.`);
    }
    throw e;
  }
}
