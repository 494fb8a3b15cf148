/**
 * A small FlatBuffers writer, enough for Arrow IPC metadata: tables of scalars and
 * references, strings, vectors of tables and vectors of 16-byte structs. It writes front to
 * back (every reference points forward, as FlatBuffers' unsigned offsets require): a
 * table's vtable, then the table, then what it refers to.
 */
export type FbField =
  | { k: 'u8' | 'bool'; v: number | boolean }
  | { k: 'i16' | 'i32'; v: number }
  | { k: 'i64'; v: bigint }
  | { k: 'ref'; to: FbObject }
  | undefined;

export type FbObject =
  | { t: 'table'; fields: FbField[] }
  | { t: 'string'; s: string }
  | { t: 'tables'; items: FbObject[] }
  /** A vector of structs of 16 bytes (two int64s), e.g. Arrow's FieldNode and Buffer. */
  | { t: 'structs16'; values: [bigint, bigint][] };

const SIZE = { u8: 1, bool: 1, i16: 2, i32: 4, i64: 8, ref: 4 } as const;

class Writer {
  private buf = Buffer.alloc(1024);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  pad(align: number, offset = 0): void {
    while ((this.pos + offset) % align !== 0) this.u8(0);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v, this.pos);
    this.pos += 1;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  patchOffset(at: number, target: number): void {
    this.buf.writeUInt32LE(target - at, at);
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  object(o: FbObject): number {
    switch (o.t) {
      case 'string': {
        this.pad(4);
        const at = this.pos;
        const b = Buffer.from(o.s, 'utf8');
        this.i32(b.length);
        this.bytes(b);
        this.u8(0);
        return at;
      }
      case 'structs16': {
        // The elements (8-aligned) follow the 4-byte length.
        this.pad(8, 4);
        const at = this.pos;
        this.i32(o.values.length);
        for (const [a, b] of o.values) {
          this.i64(a);
          this.i64(b);
        }
        return at;
      }
      case 'tables': {
        this.pad(4);
        const at = this.pos;
        this.i32(o.items.length);
        const slots = o.items.map(() => {
          const s = this.pos;
          this.i32(0);
          return s;
        });
        o.items.forEach((item, i) => this.patchOffset(slots[i] ?? 0, this.object(item)));
        return at;
      }
      case 'table':
        return this.table(o.fields);
    }
  }

  private table(fields: FbField[]): number {
    // Layout: soffset at 0, then the fields, largest first, each aligned to its size.
    const present = fields.map((f, id) => ({ f, id })).filter((x): x is { f: NonNullable<FbField>; id: number } => x.f !== undefined);
    present.sort((a, b) => SIZE[b.f.k] - SIZE[a.f.k]);
    const offsets = new Array<number>(fields.length).fill(0);
    let size = 4;
    for (const { f, id } of present) {
      const s = SIZE[f.k];
      size = Math.ceil(size / s) * s;
      offsets[id] = size;
      size += s;
    }
    this.pad(2);
    const vtable = this.pos;
    this.u16(4 + 2 * fields.length);
    this.u16(size);
    for (const o of offsets) this.u16(o);
    this.pad(8);
    const at = this.pos;
    this.i32(at - vtable);
    const refs: { at: number; to: FbObject }[] = [];
    for (const { f, id } of present) {
      while (this.pos < at + (offsets[id] ?? 0)) this.u8(0);
      if (f.k === 'u8' || f.k === 'bool') this.u8(Number(f.v));
      else if (f.k === 'i16') this.u16(f.v & 0xffff);
      else if (f.k === 'i32') this.i32(f.v);
      else if (f.k === 'i64') this.i64(f.v);
      else if (f.k === 'ref') {
        refs.push({ at: this.pos, to: f.to });
        this.i32(0);
      }
    }
    while (this.pos < at + size) this.u8(0);
    for (const r of refs) this.patchOffset(r.at, this.object(r.to));
    return at;
  }
}

/** The FlatBuffer whose root is `root`, padded to a multiple of 8 bytes. */
export function flatbuffer(root: FbObject): Buffer {
  const w = new Writer();
  w.i32(0);
  w.patchOffset(0, w.object(root));
  w.pad(8);
  return w.result();
}
