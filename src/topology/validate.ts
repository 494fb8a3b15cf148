/**
 * Turns a parsed topology document (plain JSON/YAML values) into a Topology, or throws a
 * TopologyError listing every problem with its place. Unknown fields are refused so that a
 * typo (`zone:` for `zones:`) cannot silently drop a legal zone. The file format is documented
 * in examples/topology.yaml.
 */
import { posix } from 'node:path';
import { TopologyError } from './error.js';
import { COUNTRY_HINTS, ISO_3166_ALPHA2 } from './iso3166.js';
import type { Region, Topology } from './types.js';

const REGION_ID_RE = /^[a-z][a-z0-9-]{1,31}$/;
/** Same rule as residency/policy.ts applies to zone names in bucket policies. */
const ZONE_RE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const TOP_KEYS = ['defaultRegion', 'controlPlane', 'regions', 'latency'] as const;
const REGION_KEYS = ['id', 'name', 'city', 'country', 'zones', 'endpoint', 'storage', 'location'] as const;
const LOCATION_KEYS = ['lat', 'lon'] as const;
const CONTROL_PLANE_KEYS = ['endpoint'] as const;
const MAX_TEXT = 200;

type Mapping = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  constructor(readonly source: string) {}
  add(path: string, message: string): void {
    this.list.push(path === '' ? `${this.source}: ${message}` : `${this.source}: ${path}: ${message}`);
  }
}

function isMapping(v: unknown): v is Mapping {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value as an error message shows it. */
function show(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] as number;
      row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] as number;
}

function checkKeys(obj: Mapping, allowed: readonly string[], path: string, p: Problems): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    // Closest field within a few edits (more for long names): 'zone' → 'zones', 'latencies' → 'latency'.
    const scored = allowed.map((k) => ({ k, d: editDistance(k, key) })).filter(({ k, d }) => d <= (k.length <= 3 ? 1 : k.length < 6 ? 2 : 3));
    const close = scored.sort((a, b) => a.d - b.d)[0]?.k;
    p.add(at(path, key), `unknown field${close ? ` (did you mean '${close}'?)` : ''}; expected ${allowed.join(', ')}`);
  }
}

function text(obj: Mapping, key: string, path: string, p: Problems): string | undefined {
  const v = obj[key];
  const where = at(path, key);
  if (v === undefined || v === null) {
    p.add(where, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') {
    p.add(where, `must be text, got ${show(v)}`);
    return undefined;
  }
  const t = v.trim();
  if (t === '') p.add(where, 'must not be empty');
  else if (t.length > MAX_TEXT) p.add(where, `must be at most ${MAX_TEXT} characters`);
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(t)) p.add(where, 'must not contain control characters');
  else return t;
  return undefined;
}

/** An http(s) origin; path, query, fragment and credentials are refused rather than dropped. */
function endpoint(v: unknown, where: string, p: Problems): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') {
    p.add(where, `must be an http(s) URL such as 'http://127.0.0.1:9001', got ${show(v)}`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(v.trim());
  } catch {
    p.add(where, `${show(v)} is not a URL; expected e.g. 'https://s3.eu-fra.example.net'`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') p.add(where, `${show(v)} must use http or https, not ${url.protocol.slice(0, -1)}`);
  else if (url.username !== '' || url.password !== '') p.add(where, `${show(url.origin)} must not contain credentials`);
  else if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(v)) {
    p.add(where, `${show(v)} must be a bare origin without path, query or fragment, e.g. '${url.origin}'`);
  } else return url.origin;
  return undefined;
}

function country(obj: Mapping, path: string, p: Problems): string | undefined {
  const v = obj.country;
  const where = at(path, 'country');
  if (v === undefined || v === null) {
    p.add(where, "is required: the region's ISO 3166-1 alpha-2 country code, e.g. 'DE'");
    return undefined;
  }
  if (typeof v === 'string' && ISO_3166_ALPHA2.has(v)) return v;
  const upper = typeof v === 'string' ? v.trim().toUpperCase() : '';
  const hint = ISO_3166_ALPHA2.has(upper) ? ` (codes are upper case: '${upper}')` : COUNTRY_HINTS[upper] ? ` (${COUNTRY_HINTS[upper]})` : '';
  p.add(where, `${show(v)} is not an ISO 3166-1 alpha-2 country code${hint}`);
  return undefined;
}

function zones(obj: Mapping, path: string, countryCode: string | undefined, p: Problems): string[] | undefined {
  const v = obj.zones;
  const where = at(path, 'zones');
  if (v === undefined || v === null) {
    p.add(where, `is required: the legal zones of the region, including its country, e.g. [${countryCode ?? 'DE'}${countryCode === undefined ? ', EU, EEA' : ''}]`);
    return undefined;
  }
  if (!Array.isArray(v) || v.length === 0) {
    p.add(where, `must be a non-empty list of zone names, got ${show(v)}`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  v.forEach((z: unknown, i) => {
    const zw = `${where}[${i}]`;
    if (typeof z !== 'string' || !ZONE_RE.test(z)) {
      const upper = typeof z === 'string' ? z.toUpperCase() : '';
      p.add(zw, `${show(z)} is not a zone name (upper-case letters, digits, '_' and '-', at most 32)${ZONE_RE.test(upper) ? `; did you mean '${upper}'?` : ''}`);
      ok = false;
    } else if (out.includes(z)) {
      p.add(zw, `'${z}' is listed twice`);
      ok = false;
    } else if (countryCode !== undefined && z !== countryCode && ISO_3166_ALPHA2.has(z)) {
      // A zone named after a country means "in that country": a region in DE listing FR would
      // let French-only data live in Germany.
      p.add(zw, `'${z}' is the country code of another country; a region in ${countryCode} cannot be in zone ${z}`);
      ok = false;
    } else out.push(z);
  });
  if (ok && countryCode !== undefined && !out.includes(countryCode)) {
    p.add(where, `must include the region's country ${countryCode}`);
    ok = false;
  }
  return ok ? out : undefined;
}

/** Relative directories are normalised and kept below the data directory. */
function storage(v: unknown, where: string, p: Problems): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') {
    p.add(where, `must be a directory path, got ${show(v)}`);
    return undefined;
  }
  const raw = v.trim();
  if (posix.isAbsolute(raw)) return posix.normalize(raw).replace(/(.)\/+$/, '$1');
  if (raw.split(/[/\\]/).includes('..')) {
    p.add(where, `${show(v)} must not contain '..'; relative paths stay inside the data directory`);
    return undefined;
  }
  const norm = posix.normalize(raw).replace(/\/+$/, '');
  if (norm === '.' || norm === '') {
    p.add(where, `${show(v)} names the data directory itself; use a subdirectory such as 'regions/<id>'`);
    return undefined;
  }
  return norm;
}

function location(v: unknown, where: string, p: Problems): { lat: number; lon: number } | undefined {
  if (!isMapping(v)) {
    p.add(where, `must be a mapping { lat: <degrees>, lon: <degrees> }, got ${show(v)}`);
    return undefined;
  }
  checkKeys(v, LOCATION_KEYS, where, p);
  const coord = (key: 'lat' | 'lon', limit: number): number | undefined => {
    const c = v[key];
    if (c === undefined || c === null) p.add(at(where, key), 'is required');
    else if (typeof c !== 'number' || !Number.isFinite(c)) p.add(at(where, key), `must be a number of degrees, got ${show(c)}`);
    else if (Math.abs(c) > limit) p.add(at(where, key), `${c} is outside -${limit}..${limit}`);
    else return c;
    return undefined;
  };
  const lat = coord('lat', 90);
  const lon = coord('lon', 180);
  return lat === undefined || lon === undefined ? undefined : { lat, lon };
}

interface ParsedRegion {
  /** Set when the id itself is valid, so later references to it do not cascade into errors. */
  id?: string;
  region?: Region;
}

function region(v: unknown, path: string, p: Problems): ParsedRegion {
  if (!isMapping(v)) {
    p.add(path, `must be a mapping with id, name, city, country and zones, got ${show(v)}`);
    return {};
  }
  const before = p.list.length;
  checkKeys(v, REGION_KEYS, path, p);
  let id: string | undefined;
  if (v.id === undefined || v.id === null) p.add(at(path, 'id'), "is required, e.g. 'eu-fra'");
  else if (typeof v.id !== 'string' || !REGION_ID_RE.test(v.id)) {
    p.add(at(path, 'id'), `${show(v.id)} is not a region id (2-32 characters: lower-case letters, digits and '-', starting with a letter)`);
  } else id = v.id;
  const name = text(v, 'name', path, p);
  const city = text(v, 'city', path, p);
  const cc = country(v, path, p);
  const zs = zones(v, path, cc, p);
  const ep = v.endpoint === undefined ? undefined : endpoint(v.endpoint, at(path, 'endpoint'), p);
  const st = v.storage === undefined ? (id === undefined ? undefined : `regions/${id}`) : storage(v.storage, at(path, 'storage'), p);
  const loc = v.location === undefined ? undefined : location(v.location, at(path, 'location'), p);
  if (p.list.length > before || id === undefined || name === undefined || city === undefined || cc === undefined || zs === undefined || st === undefined) {
    return id === undefined ? {} : { id };
  }
  const r: Region = Object.freeze({
    id,
    name,
    city,
    country: cc,
    zones: Object.freeze(zs),
    ...(ep === undefined ? {} : { endpoint: ep }),
    storage: st,
    ...(loc === undefined ? {} : { location: Object.freeze(loc) }),
  });
  return { id, region: r };
}

function checkStorageOverlap(regions: readonly { index: number; region: Region }[], p: Problems): void {
  for (const [k, a] of regions.entries()) {
    for (const b of regions.slice(0, k)) {
      const x = a.region.storage;
      const y = b.region.storage;
      const where = `regions[${a.index}].storage`;
      if (posix.isAbsolute(x) !== posix.isAbsolute(y)) continue;
      if (x === y) p.add(where, `'${x}' is also the storage of region ${b.region.id}; each region needs its own directory`);
      else if (x.startsWith(`${y}/`) || y === '/') p.add(where, `'${x}' is inside the storage of region ${b.region.id} ('${y}')`);
      else if (y.startsWith(`${x}/`) || x === '/') p.add(where, `'${x}' contains the storage of region ${b.region.id} ('${y}')`);
    }
  }
}

function knownList(ids: ReadonlySet<string>): string {
  return ids.size === 0 ? 'none are valid' : [...ids].join(', ');
}

function latency(v: unknown, ids: ReadonlySet<string>, p: Problems): Map<string, Map<string, number>> {
  const declared = new Map<string, Map<string, number>>();
  if (v === undefined || v === null) return declared;
  if (!isMapping(v)) {
    p.add('latency', `must be a mapping of region id to { other-region-id: round-trip ms }, got ${show(v)}`);
    return declared;
  }
  const put = (a: string, b: string, ms: number): void => {
    let row = declared.get(a);
    if (row === undefined) declared.set(a, (row = new Map()));
    row.set(b, ms);
  };
  const firstSeen = new Map<string, string>();
  for (const [from, row] of Object.entries(v)) {
    const rowPath = at('latency', from);
    if (!ids.has(from)) {
      p.add(rowPath, `unknown region '${from}'; the regions are ${knownList(ids)}`);
      continue;
    }
    if (!isMapping(row)) {
      p.add(rowPath, `must be a mapping of region id to round-trip ms, got ${show(row)}`);
      continue;
    }
    for (const [to, ms] of Object.entries(row)) {
      const where = at(rowPath, to);
      if (!ids.has(to)) p.add(where, `unknown region '${to}'; the regions are ${knownList(ids)}`);
      else if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) p.add(where, `must be a round-trip time in milliseconds (a number >= 0), got ${show(ms)}`);
      else if (from === to && ms !== 0) p.add(where, `the latency of a region to itself is 0, not ${ms}`);
      else {
        const previous = declared.get(to)?.get(from);
        if (previous !== undefined && previous !== ms) {
          p.add(where, `${ms} disagrees with ${firstSeen.get(`${to}\0${from}`)}: ${previous} (round trips are symmetric)`);
        } else {
          firstSeen.set(`${from}\0${to}`, where);
          put(from, to, ms);
          put(to, from, ms);
        }
      }
    }
  }
  return declared;
}

export function validateTopology(doc: unknown, source: string): Topology {
  const p = new Problems(source);
  if (doc === undefined || doc === null) p.add('', 'the topology is empty; expected a mapping with a regions list');
  else if (!isMapping(doc)) p.add('', `expected a mapping with a regions list, got ${show(doc)}`);
  if (!isMapping(doc)) throw new TopologyError(source, p.list);

  checkKeys(doc, TOP_KEYS, '', p);
  const ids = new Set<string>();
  const valid: { index: number; region: Region }[] = [];
  const list = doc.regions;
  if (list === undefined || list === null) p.add('regions', 'is required: list at least one region');
  else if (!Array.isArray(list)) p.add('regions', `must be a list of regions (each item starting with '- id: ...'), got ${show(list)}`);
  else if (list.length === 0) p.add('regions', 'must list at least one region');
  else {
    const firstIndex = new Map<string, number>();
    list.forEach((item: unknown, index) => {
      const path = `regions[${index}]`;
      const parsed = region(item, path, p);
      if (parsed.id === undefined) return;
      const dup = firstIndex.get(parsed.id);
      if (dup !== undefined) {
        p.add(at(path, 'id'), `'${parsed.id}' is already the id of regions[${dup}]`);
        return;
      }
      firstIndex.set(parsed.id, index);
      ids.add(parsed.id);
      if (parsed.region !== undefined) valid.push({ index, region: parsed.region });
    });
  }
  checkStorageOverlap(valid, p);

  let defaultRegion: string | undefined;
  if (doc.defaultRegion === undefined || doc.defaultRegion === null) defaultRegion = valid[0]?.region.id;
  else if (typeof doc.defaultRegion !== 'string' || !ids.has(doc.defaultRegion)) {
    p.add('defaultRegion', `${show(doc.defaultRegion)} is not a region of this topology; the regions are ${knownList(ids)}`);
  } else defaultRegion = doc.defaultRegion;

  let controlPlane: { endpoint: string } | undefined;
  if (doc.controlPlane !== undefined && doc.controlPlane !== null) {
    if (!isMapping(doc.controlPlane)) p.add('controlPlane', `must be a mapping { endpoint: <http(s) URL> }, got ${show(doc.controlPlane)}`);
    else {
      checkKeys(doc.controlPlane, CONTROL_PLANE_KEYS, 'controlPlane', p);
      if (doc.controlPlane.endpoint === undefined) p.add('controlPlane.endpoint', 'is required');
      else {
        const ep = endpoint(doc.controlPlane.endpoint, 'controlPlane.endpoint', p);
        if (ep !== undefined) controlPlane = Object.freeze({ endpoint: ep });
      }
    }
  }

  const declared = latency(doc.latency, ids, p);
  if (p.list.length > 0 || defaultRegion === undefined) throw new TopologyError(source, p.list);

  const latencyMs = new Map<string, ReadonlyMap<string, number>>();
  for (const { region: r } of valid) {
    const row = new Map<string, number>([[r.id, 0]]);
    for (const [to, ms] of declared.get(r.id) ?? []) row.set(to, ms);
    latencyMs.set(r.id, row);
  }
  return Object.freeze({
    regions: Object.freeze(valid.map((v) => v.region)),
    defaultRegion,
    latencyMs,
    ...(controlPlane === undefined ? {} : { controlPlane }),
    source,
  });
}
