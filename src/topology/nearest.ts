/**
 * Which region should a client use? The lowest-latency region that the client's residency
 * policy allows, judged from (best evidence first) round trips the client measured, round
 * trips the operator declared between regions, or an estimate from coordinates.
 */
import { fail } from '../core/errors.js';
import { allowedRegions, findRegion, parseZones } from '../residency/policy.js';
import type { Region, Topology } from './types.js';

export type RttBasis = 'declared' | 'estimated' | 'measured' | 'unknown';

export interface Recommendation {
  readonly region: Region;
  /** Round trip in milliseconds; undefined when there is nothing to judge it by. */
  readonly rttMs: number | undefined;
  readonly basis: RttBasis;
}

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

export type RecommendFrom =
  | { readonly region: string }
  | { readonly location: GeoPoint }
  | { readonly rttMs: ReadonlyMap<string, number> };

export interface RecommendInput {
  /** Residency policy zones (case-insensitive, comma lists allowed); absent = every region. */
  readonly zones?: readonly string[];
  readonly from: RecommendFrom;
}

const EARTH_RADIUS_KM = 6371;
/** Light in optical fibre covers about 200 000 km/s, i.e. 200 km per millisecond. */
const FIBRE_KM_PER_MS = 200;
/** Cables do not follow great circles; real routes are typically ~1.5x longer. */
const ROUTE_FACTOR = 1.5;
/** Last mile, switching and server time that does not shrink with distance. */
const FIXED_MS = 2;

export function greatCircleKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Estimated round trip between two points: there and back over a route ROUTE_FACTOR times
 * the great-circle distance at fibre speed, plus FIXED_MS. A ranking aid, not a promise.
 */
export function estimateRttMs(a: GeoPoint, b: GeoPoint): number {
  return (2 * greatCircleKm(a, b) * ROUTE_FACTOR) / FIBRE_KM_PER_MS + FIXED_MS;
}

function checkPoint(p: GeoPoint): void {
  if (!Number.isFinite(p.lat) || Math.abs(p.lat) > 90) throw fail('InvalidArgument', `Latitude ${p.lat} is outside -90..90.`, { details: { ArgumentName: 'location' } });
  if (!Number.isFinite(p.lon) || Math.abs(p.lon) > 180) throw fail('InvalidArgument', `Longitude ${p.lon} is outside -180..180.`, { details: { ArgumentName: 'location' } });
}

function unknownRegion(topology: Topology, id: string): Error {
  return fail('InvalidArgument', `Unknown region '${id}'; the regions of this topology are ${topology.regions.map((r) => r.id).join(', ')}.`, {
    details: { ArgumentName: 'region', ArgumentValue: id },
  });
}

function judge(topology: Topology, from: RecommendFrom, r: Region): { rttMs: number | undefined; basis: RttBasis } {
  if ('rttMs' in from) {
    const ms = from.rttMs.get(r.id);
    return ms === undefined ? { rttMs: undefined, basis: 'unknown' } : { rttMs: ms, basis: 'measured' };
  }
  if ('region' in from) {
    const declared = topology.latencyMs.get(from.region)?.get(r.id);
    if (declared !== undefined) return { rttMs: declared, basis: 'declared' };
    const origin = findRegion(topology, from.region)?.location;
    if (origin !== undefined && r.location !== undefined) return { rttMs: estimateRttMs(origin, r.location), basis: 'estimated' };
    return { rttMs: undefined, basis: 'unknown' };
  }
  return r.location === undefined ? { rttMs: undefined, basis: 'unknown' } : { rttMs: estimateRttMs(from.location, r.location), basis: 'estimated' };
}

/**
 * Regions the policy allows, lowest round trip first; regions with nothing to judge them by
 * come last (basis 'unknown'), ties in topology order. Empty when the policy allows no region:
 * callers say so in their own terms. Unknown zones or regions are InvalidArgument errors.
 */
export function recommendRegions(topology: Topology, input: RecommendInput): Recommendation[] {
  const { from } = input;
  if ('region' in from) {
    if (findRegion(topology, from.region) === undefined) throw unknownRegion(topology, from.region);
  } else if ('location' in from) {
    checkPoint(from.location);
  } else {
    for (const [id, ms] of from.rttMs) {
      if (findRegion(topology, id) === undefined) throw unknownRegion(topology, id);
      if (!Number.isFinite(ms) || ms < 0) throw fail('InvalidArgument', `Round trip ${ms} ms to ${id} is not a time >= 0.`, { details: { ArgumentName: 'rtt' } });
    }
  }
  const candidates = input.zones === undefined ? [...topology.regions] : allowedRegions(topology, parseZones(topology, input.zones));
  return candidates
    .map((region, order) => ({ order, rec: { region, ...judge(topology, from, region) } }))
    .sort((a, b) => {
      const x = a.rec.rttMs ?? Number.POSITIVE_INFINITY;
      const y = b.rec.rttMs ?? Number.POSITIVE_INFINITY;
      return x !== y ? x - y : a.order - b.order;
    })
    .map((c) => c.rec);
}

function badArgument(name: string, message: string, value: string): Error {
  return fail('InvalidArgument', message, { details: { ArgumentName: name, ArgumentValue: value } });
}

/** `eu-fra=12,eu-lon=3.5` (an `ms` suffix is accepted) → measured round trips by region id. */
export function parseRttList(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^([^=\s]+)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*(?:ms)?$/i.exec(item);
    if (m === null) throw badArgument('rtt', `'${item}' is not a round trip; expected <region>=<milliseconds>, e.g. eu-fra=12.5`, item);
    const id = m[1] as string;
    if (out.has(id)) throw badArgument('rtt', `Region ${id} is given twice in the round-trip list.`, item);
    out.set(id, Number(m[2]));
  }
  if (out.size === 0) throw badArgument('rtt', 'The round-trip list is empty; expected <region>=<milliseconds>,... e.g. eu-fra=12,eu-lon=3.5', text);
  return out;
}

/** `51.5,-0.12` (latitude, longitude in decimal degrees) → a point. */
export function parseLocation(text: string): GeoPoint {
  const m = /^\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*,\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*$/.exec(text);
  if (m === null) throw badArgument('location', `'${text}' is not a location; expected <latitude>,<longitude> in decimal degrees, e.g. 51.5,-0.12`, text);
  const point = { lat: Number(m[1]), lon: Number(m[2]) };
  checkPoint(point);
  return point;
}
