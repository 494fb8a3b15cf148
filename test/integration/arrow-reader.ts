/**
 * A minimal reader of the Arrow IPC streaming format, written from the specification
 * (Message.fbs / Schema.fbs) for tests: schema field names and types, and the values of
 * Int, FloatingPoint(DOUBLE), Bool, Utf8, Date(DAY), Decimal128 (as "unscaled/scale" text) and
 * Time64(MICROSECOND) columns with their validity bitmaps.
 */

class Fb {
  constructor(private readonly b: Buffer) {}
  /** Absolute position of a field of the table at `t`, or undefined when absent. */
  field(t: number, id: number): number | undefined {
    const vt = t - this.b.readInt32LE(t);
    const vtSize = this.b.readUInt16LE(vt);
    const slot = 4 + 2 * id;
    if (slot >= vtSize) return undefined;
    const off = this.b.readUInt16LE(vt + slot);
    return off === 0 ? undefined : t + off;
  }
  ref(at: number): number {
    return at + this.b.readUInt32LE(at);
  }
  u8(t: number, id: number, dflt = 0): number {
    const p = this.field(t, id);
    return p === undefined ? dflt : this.b.readUInt8(p);
  }
  i16(t: number, id: number, dflt = 0): number {
    const p = this.field(t, id);
    return p === undefined ? dflt : this.b.readInt16LE(p);
  }
  i32(t: number, id: number, dflt = 0): number {
    const p = this.field(t, id);
    return p === undefined ? dflt : this.b.readInt32LE(p);
  }
  i64(t: number, id: number): bigint {
    const p = this.field(t, id);
    return p === undefined ? 0n : this.b.readBigInt64LE(p);
  }
  table(t: number, id: number): number | undefined {
    const p = this.field(t, id);
    return p === undefined ? undefined : this.ref(p);
  }
  string(t: number, id: number): string | undefined {
    const s = this.table(t, id);
    if (s === undefined) return undefined;
    return this.b.subarray(s + 4, s + 4 + this.b.readUInt32LE(s)).toString('utf8');
  }
  vector(t: number, id: number): { start: number; length: number } | undefined {
    const v = this.table(t, id);
    return v === undefined ? undefined : { start: v + 4, length: this.b.readUInt32LE(v) };
  }
}

export interface ArrowField {
  name: string;
  /** e.g. Int64, Int32, Uint8, Float64, Bool, Utf8, Binary, Date, Timestamp */
  type: string;
}

export interface ArrowTable {
  fields: ArrowField[];
  rows: Record<string, unknown>[];
}

const TYPE_NAMES: Record<number, string> = { 2: 'Int', 3: 'FloatingPoint', 4: 'Binary', 5: 'Utf8', 6: 'Bool', 7: 'Decimal', 8: 'Date', 9: 'Time', 10: 'Timestamp' };

export function readArrowStream(data: Buffer): ArrowTable {
  let pos = 0;
  const fields: ArrowField[] = [];
  const rows: Record<string, unknown>[] = [];
  for (;;) {
    if (data.readUInt32LE(pos) !== 0xffffffff) throw new Error(`no continuation marker at ${pos}`);
    const len = data.readInt32LE(pos + 4);
    pos += 8;
    if (len === 0) break;
    const meta = data.subarray(pos, pos + len);
    pos += len;
    const fb = new Fb(meta);
    const msg = fb.ref(0);
    if (fb.i16(msg, 0) !== 4) throw new Error('not metadata version V5');
    const headerType = fb.u8(msg, 1);
    const header = fb.table(msg, 2);
    const bodyLength = Number(fb.i64(msg, 3));
    const body = data.subarray(pos, pos + bodyLength);
    pos += bodyLength;
    if (header === undefined) throw new Error('message without header');
    if (headerType === 1) {
      const v = fb.vector(header, 1);
      for (let i = 0; i < (v?.length ?? 0); i++) {
        const f = fb.ref((v?.start ?? 0) + 4 * i);
        const tag = fb.u8(f, 2);
        const t = fb.table(f, 3);
        let type = TYPE_NAMES[tag] ?? `Type${tag}`;
        if (tag === 2 && t !== undefined) type = `${fb.u8(t, 1) ? 'Int' : 'Uint'}${fb.i32(t, 0)}`;
        if (tag === 3 && t !== undefined) type = fb.i16(t, 0) === 2 ? 'Float64' : 'Float32';
        // Decimal(precision, scale, bitWidth); Time(unit, bitWidth), unit 2 = MICROSECOND.
        if (tag === 7 && t !== undefined) type = `Decimal${fb.i32(t, 2, 128)}(${fb.i32(t, 0)},${fb.i32(t, 1)})`;
        if (tag === 9 && t !== undefined) type = `Time${fb.i32(t, 1, 32)}${['s', 'ms', 'us', 'ns'][fb.i16(t, 0, 1)]}`;
        fields.push({ name: fb.string(f, 0) ?? '', type });
      }
    } else if (headerType === 3) {
      const length = Number(fb.i64(header, 0));
      const nodes = fb.vector(header, 1);
      const buffers = fb.vector(header, 2);
      const buf = (i: number) => {
        const at = (buffers?.start ?? 0) + 16 * i;
        const off = Number(meta.readBigInt64LE(at));
        return body.subarray(off, off + Number(meta.readBigInt64LE(at + 8)));
      };
      const batch: Record<string, unknown>[] = Array.from({ length }, () => ({}));
      let b = 0;
      fields.forEach((f, c) => {
        const nulls = Number(meta.readBigInt64LE((nodes?.start ?? 0) + 16 * c + 8));
        const validity = buf(b++);
        const valid = (i: number) => nulls === 0 || ((validity[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
        const values = buf(b++);
        const offsets = f.type === 'Utf8' || f.type === 'Binary' ? values : undefined;
        const bytes = offsets ? buf(b++) : undefined;
        for (let i = 0; i < length; i++) {
          let v: unknown = null;
          if (valid(i)) {
            if (f.type === 'Int64') v = values.readBigInt64LE(i * 8);
            else if (f.type === 'Int32') v = values.readInt32LE(i * 4);
            else if (f.type === 'Float64') v = values.readDoubleLE(i * 8);
            else if (f.type === 'Bool') v = ((values[i >> 3] ?? 0) & (1 << (i & 7))) !== 0;
            else if (f.type === 'Date') v = values.readInt32LE(i * 4);
            else if (f.type === 'Time64us') v = values.readBigInt64LE(i * 8);
            else if (f.type.startsWith('Decimal128(')) {
              // The unscaled value, two's complement over 16 bytes, shown with its decimal point.
              const unscaled = (values.readBigInt64LE(i * 16 + 8) << 64n) | values.readBigUInt64LE(i * 16);
              const scale = Number(/,(\d+)\)$/.exec(f.type)?.[1] ?? 0);
              const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
              v = `${unscaled < 0n ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
            }
            else if (offsets && bytes) v = bytes.subarray(offsets.readInt32LE(i * 4), offsets.readInt32LE(i * 4 + 4)).toString('utf8');
            else v = `<${f.type}>`;
          }
          (batch[i] as Record<string, unknown>)[f.name] = v;
        }
      });
      rows.push(...batch);
    } else {
      throw new Error(`unexpected message type ${headerType}`);
    }
  }
  if (pos !== data.length) throw new Error(`${data.length - pos} bytes after the end-of-stream marker`);
  return { fields, rows };
}
