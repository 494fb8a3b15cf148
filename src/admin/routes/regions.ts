/**
 * The topology's regions and the nearest-region recommendation: readable by any
 * authenticated caller.
 */
import { fail } from '../../core/errors.js';
import type { Placement } from '../../placement/regional-storage.js';
import { parseLocation, parseRttList, recommendRegions } from '../../topology/index.js';
import type { Region } from '../../topology/types.js';
import { ok, type AdminRoute } from '../route.js';

export function regionJson(r: Region): Record<string, unknown> {
  return {
    id: r.id, name: r.name, city: r.city, country: r.country, zones: r.zones,
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    ...(r.location ? { location: r.location } : {}),
  };
}

export function regionRoutes(placement: Placement): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/regions',
      run: async () => ok({ defaultRegion: placement.topology.defaultRegion, regions: placement.topology.regions.map(regionJson) }),
    },
    {
      method: 'GET', path: '/regions/nearest',
      run: async (c) => {
        const q = c.query;
        const given = ['from', 'location', 'rtt'].filter((k) => q.has(k));
        if (given.length !== 1) throw fail('InvalidArgument', 'Give exactly one of from=<region>, location=<lat,lon> or rtt=<region=ms,...>.');
        const from = q.has('from') ? { region: q.get('from') ?? '' } : q.has('location') ? { location: parseLocation(q.get('location') ?? '') } : { rttMs: parseRttList(q.get('rtt') ?? '') };
        const zones = q.get('zones');
        const ranked = recommendRegions(placement.topology, { from, ...(zones ? { zones: zones.split(',') } : {}) });
        return ok({
          recommended: ranked[0]?.region.id ?? null,
          candidates: ranked.map((r) => ({ region: r.region.id, rttMs: r.rttMs ?? null, basis: r.basis })),
        });
      },
    },
  ];
}
