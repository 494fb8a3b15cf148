/**
 * Query results as an Arrow IPC stream (the "Arrow streaming format"): a Schema message,
 * one RecordBatch per DuckDB chunk, and the end-of-stream marker. Booleans, integers,
 * floats, decimals (Decimal128), dates, times (Time64, microseconds), timestamps, text and
 * blobs keep their Arrow types; other types (HUGEINT, INTERVAL, UUID, LIST, STRUCT, MAP, ...)
 * travel as UTF-8 text, the same text as in the JSON-lines format (documented in the README).
 */
import { JsonDuckDBValueConverter, type DuckDBDataChunk, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { ChunkEncoder } from './encoders.js';
import { flatbuffer, type FbField, type FbObject } from './flatbuffers.js';

const enum TypeTag {
  Int = 2,
  FloatingPoint = 3,
  Binary = 4,
  Utf8 = 5,
  Bool = 6,
  Decimal = 7,
  Date = 8,
  Time = 9,
  Timestamp = 10,
}

interface ArrowColumn {
  tag: TypeTag;
  type: FbObject;
  /** Buffers of one batch (validity excluded) for these values. */
  encode(values: readonly DuckDBValue[], chunk: DuckDBDataChunk, column: number): Buffer[];
}

const table = (...fields: FbField[]): FbObject => ({ t: 'table', fields });
const i16 = (v: number): FbField => ({ k: 'i16', v });
const i32 = (v: number): FbField => ({ k: 'i32', v });

function fixed(width: number, write: (buf: Buffer, i: number, v: DuckDBValue) => void) {
  return (values: readonly DuckDBValue[]): Buffer[] => {
    const buf = Buffer.alloc(values.length * width);
    values.forEach((v, i) => {
      if (v !== null) write(buf, i, v);
    });
    return [buf];
  };
}

function varlen(bytesOf: (v: DuckDBValue, chunk: DuckDBDataChunk, column: number, i: number, texts: () => unknown[]) => Uint8Array) {
  return (values: readonly DuckDBValue[], chunk: DuckDBDataChunk, column: number): Buffer[] => {
    const offsets = Buffer.alloc((values.length + 1) * 4);
    const parts: Uint8Array[] = [];
    let total = 0;
    let json: unknown[] | undefined;
    const texts = () => (json ??= chunk.convertColumnValues(column, JsonDuckDBValueConverter));
    values.forEach((v, i) => {
      if (v !== null) {
        const b = bytesOf(v, chunk, column, i, texts);
        parts.push(b);
        total += b.length;
      }
      offsets.writeInt32LE(total, (i + 1) * 4);
    });
    return [offsets, Buffer.concat(parts, total)];
  };
}

const big = (v: DuckDBValue): bigint => (typeof v === 'bigint' ? v : BigInt(v as number));
const field = (v: DuckDBValue, name: string): bigint => (v as unknown as Record<string, bigint>)[name] ?? 0n;

function intColumn(bits: number, signed: boolean): ArrowColumn {
  const width = bits / 8;
  return {
    tag: TypeTag.Int,
    type: table(i32(bits), { k: 'bool', v: signed }),
    encode: fixed(width, (buf, i, v) => {
      if (width === 8) {
        if (signed) buf.writeBigInt64LE(big(v), i * 8);
        else buf.writeBigUInt64LE(big(v), i * 8);
      } else if (signed) buf.writeIntLE(Number(v), i * width, width);
      else buf.writeUIntLE(Number(v), i * width, width);
    }),
  };
}

function timestampColumn(unit: number, property: string, tz?: string): ArrowColumn {
  return {
    tag: TypeTag.Timestamp,
    type: table(i16(unit), tz === undefined ? undefined : { k: 'ref', to: { t: 'string', s: tz } }),
    encode: fixed(8, (buf, i, v) => buf.writeBigInt64LE(field(v, property), i * 8)),
  };
}

const MASK64 = (1n << 64n) - 1n;

/** Decimal128: the unscaled value as a 16-byte little-endian two's complement integer. */
function decimalColumn(precision: number, scale: number): ArrowColumn {
  return {
    tag: TypeTag.Decimal,
    type: table(i32(precision), i32(scale), i32(128)),
    encode: fixed(16, (buf, i, v) => {
      const unscaled = field(v, 'value');
      buf.writeBigUInt64LE(unscaled & MASK64, i * 16);
      buf.writeBigInt64LE(unscaled >> 64n, i * 16 + 8);
    }),
  };
}

const textColumn: ArrowColumn = {
  tag: TypeTag.Utf8,
  type: table(),
  encode: varlen((v, _c, _col, i, texts) => {
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    const t = texts()[i];
    return Buffer.from(typeof t === 'string' ? t : JSON.stringify(t), 'utf8');
  }),
};

function columnFor(type: DuckDBType): ArrowColumn {
  switch (type.typeId) {
    case 1:
      return {
        tag: TypeTag.Bool,
        type: table(),
        encode: (values) => {
          const buf = Buffer.alloc(Math.ceil(values.length / 8));
          values.forEach((v, i) => {
            if (v === true) buf[i >> 3] = (buf[i >> 3] ?? 0) | (1 << (i & 7));
          });
          return [buf];
        },
      };
    case 2: return intColumn(8, true);
    case 3: return intColumn(16, true);
    case 4: return intColumn(32, true);
    case 5: return intColumn(64, true);
    case 6: return intColumn(8, false);
    case 7: return intColumn(16, false);
    case 8: return intColumn(32, false);
    case 9: return intColumn(64, false);
    case 10: return { tag: TypeTag.FloatingPoint, type: table(i16(1)), encode: fixed(4, (b, i, v) => b.writeFloatLE(Number(v), i * 4)) };
    case 11: return { tag: TypeTag.FloatingPoint, type: table(i16(2)), encode: fixed(8, (b, i, v) => b.writeDoubleLE(Number(v), i * 8)) };
    case 13: return { tag: TypeTag.Date, type: table(i16(0)), encode: fixed(4, (b, i, v) => b.writeInt32LE((v as unknown as { days: number }).days, i * 4)) };
    case 14: return { tag: TypeTag.Time, type: table(i16(2), i32(64)), encode: fixed(8, (b, i, v) => b.writeBigInt64LE(field(v, 'micros'), i * 8)) };
    case 19: {
      const d = type as unknown as { width: number; scale: number };
      return decimalColumn(d.width, d.scale);
    }
    case 12: return timestampColumn(2, 'micros');
    case 31: return timestampColumn(2, 'micros', 'UTC');
    case 20: return timestampColumn(0, 'seconds');
    case 21: return timestampColumn(1, 'millis');
    case 22: return timestampColumn(3, 'nanos');
    case 17: return textColumn;
    case 18: return { tag: TypeTag.Binary, type: table(), encode: varlen((v) => (v as unknown as { bytes: Uint8Array }).bytes) };
    default: return textColumn;
  }
}

function message(headerType: number, header: FbObject, bodyLength: number): Buffer {
  const meta = flatbuffer(table(i16(4), { k: 'u8', v: headerType }, { k: 'ref', to: header }, { k: 'i64', v: BigInt(bodyLength) }));
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(0xffffffff, 0);
  prefix.writeInt32LE(meta.length, 4);
  return Buffer.concat([prefix, meta]);
}

const pad8 = (b: Buffer): Buffer => (b.length % 8 === 0 ? b : Buffer.concat([b, Buffer.alloc(8 - (b.length % 8))]));

export function arrowEncoder(names: readonly string[], types: readonly DuckDBType[]): ChunkEncoder {
  const columns = types.map(columnFor);
  const fields: FbObject[] = columns.map((c, i) =>
    table({ k: 'ref', to: { t: 'string', s: names[i] ?? '' } }, { k: 'bool', v: true }, { k: 'u8', v: c.tag }, { k: 'ref', to: c.type }, undefined, { k: 'ref', to: { t: 'tables', items: [] } }),
  );
  return {
    begin: () => message(1, table(i16(0), { k: 'ref', to: { t: 'tables', items: fields } }), 0),
    encode(chunk) {
      const n = chunk.rowCount;
      const nodes: [bigint, bigint][] = [];
      const buffers: [bigint, bigint][] = [];
      const body: Buffer[] = [];
      let offset = 0;
      const add = (b: Buffer) => {
        buffers.push([BigInt(offset), BigInt(b.length)]);
        const p = pad8(b);
        body.push(p);
        offset += p.length;
      };
      columns.forEach((col, c) => {
        const values = chunk.getColumnValues(c);
        let nulls = 0;
        const validity = Buffer.alloc(Math.ceil(n / 8));
        values.forEach((v, i) => {
          if (v === null) nulls++;
          else validity[i >> 3] = (validity[i >> 3] ?? 0) | (1 << (i & 7));
        });
        nodes.push([BigInt(n), BigInt(nulls)]);
        add(nulls === 0 ? Buffer.alloc(0) : validity);
        for (const b of col.encode(values, chunk, c)) add(b);
      });
      const batch = table({ k: 'i64', v: BigInt(n) }, { k: 'ref', to: { t: 'structs16', values: nodes } }, { k: 'ref', to: { t: 'structs16', values: buffers } });
      return Buffer.concat([message(3, batch, offset), ...body]);
    },
    end: () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
  };
}
