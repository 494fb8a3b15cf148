import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { demoTopology } from './demo.js';
import { estimateRttMs, greatCircleKm, parseLocation, parseRttList, recommendRegions, type Recommendation } from './nearest.js';
import { validateTopology } from './validate.js';

const ids = (rs: readonly Recommendation[]): string[] => rs.map((r) => r.region.id);

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, 'InvalidArgument');
    return e.message;
  }
  assert.fail('expected InvalidArgument');
}

describe('distance model', () => {
  it('measures great-circle distances', () => {
    const london = { lat: 51.5074, lon: -0.1278 };
    const paris = { lat: 48.8566, lon: 2.3522 };
    assert.equal(Math.round(greatCircleKm(london, paris)), 344);
    assert.equal(greatCircleKm(london, london), 0);
    assert.equal(Math.round(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })), Math.round(Math.PI * 6371));
  });

  it('estimates a round trip as 2 x distance x 1.5 at 200 km/ms, plus 2 ms', () => {
    const a = { lat: 0, lon: 0 };
    const b = { lat: 0, lon: 1 }; // 111.19 km
    assert.equal(estimateRttMs(a, a), 2);
    assert.ok(Math.abs(estimateRttMs(a, b) - ((2 * 111.195 * 1.5) / 200 + 2)) < 0.01);
  });
});

describe('recommendRegions', () => {
  const demo = demoTopology();

  it('from a region: itself first, then declared latencies, within the policy', () => {
    const all = recommendRegions(demo, { from: { region: 'eu-lon' } });
    assert.deepEqual(ids(all), ['eu-lon', 'eu-par', 'eu-fra', 'ap-bom', 'cn-hgh']);
    assert.deepEqual(all[0], { region: demo.regions[1], rttMs: 0, basis: 'declared' });
    const eu = recommendRegions(demo, { zones: ['eu'], from: { region: 'eu-lon' } });
    assert.deepEqual(eu.map((r) => [r.region.id, r.rttMs, r.basis]), [['eu-par', 9, 'declared'], ['eu-fra', 15, 'declared']]);
    assert.deepEqual(ids(recommendRegions(demo, { zones: ['IN,GB'], from: { region: 'eu-fra' } })), ['eu-lon', 'ap-bom']);
  });

  it('from a region without a declared latency: estimated from coordinates, else unknown and last', () => {
    const t = validateTopology(
      {
        regions: [
          { id: 'eu-fra', name: 'F', city: 'F', country: 'DE', zones: ['DE', 'EU'], location: { lat: 50.11, lon: 8.68 } },
          { id: 'eu-par', name: 'P', city: 'P', country: 'FR', zones: ['FR', 'EU'], location: { lat: 48.86, lon: 2.35 } },
          { id: 'eu-ams', name: 'A', city: 'A', country: 'NL', zones: ['NL', 'EU'] },
          { id: 'eu-mad', name: 'M', city: 'M', country: 'ES', zones: ['ES', 'EU'], location: { lat: 40.42, lon: -3.7 } },
        ],
        latency: { 'eu-fra': { 'eu-mad': 3 } },
      },
      't',
    );
    const r = recommendRegions(t, { from: { region: 'eu-fra' } });
    assert.deepEqual(r.map((x) => [x.region.id, x.basis]), [['eu-fra', 'declared'], ['eu-mad', 'declared'], ['eu-par', 'estimated'], ['eu-ams', 'unknown']]);
    assert.equal(r[2]?.rttMs, estimateRttMs({ lat: 50.11, lon: 8.68 }, { lat: 48.86, lon: 2.35 }));
    assert.equal(r[3]?.rttMs, undefined);
  });

  it('from a location: nearest by estimated distance', () => {
    const fromLondon = recommendRegions(demo, { from: { location: { lat: 51.5, lon: -0.12 } } });
    assert.deepEqual(ids(fromLondon), ['eu-lon', 'eu-par', 'eu-fra', 'ap-bom', 'cn-hgh']);
    assert.ok(fromLondon.every((r) => r.basis === 'estimated' && r.rttMs !== undefined));
    assert.deepEqual(ids(recommendRegions(demo, { zones: ['EU'], from: { location: { lat: 51.5, lon: -0.12 } } })), ['eu-par', 'eu-fra']);
    assert.deepEqual(ids(recommendRegions(demo, { from: { location: { lat: 31.23, lon: 121.47 } } })).slice(0, 2), ['cn-hgh', 'ap-bom'], 'from Shanghai');
    assert.deepEqual(ids(recommendRegions(demo, { zones: ['DE'], from: { location: { lat: 19, lon: 72.8 } } })), ['eu-fra'], 'the policy wins over distance');
  });

  it('from measured round trips: measured first by value, the rest unknown in topology order', () => {
    const r = recommendRegions(demo, { from: { rttMs: new Map([['eu-fra', 12], ['cn-hgh', 3.5], ['eu-par', 12]]) } });
    assert.deepEqual(r.map((x) => [x.region.id, x.rttMs, x.basis]), [
      ['cn-hgh', 3.5, 'measured'],
      ['eu-fra', 12, 'measured'],
      ['eu-par', 12, 'measured'],
      ['eu-lon', undefined, 'unknown'],
      ['ap-bom', undefined, 'unknown'],
    ]);
    const eu = recommendRegions(demo, { zones: ['EU'], from: { rttMs: new Map([['cn-hgh', 1], ['eu-par', 20]]) } });
    assert.deepEqual(ids(eu), ['eu-par', 'eu-fra'], 'a fast region outside the policy is never recommended');
  });

  it('returns nothing when the policy allows no region', () => {
    const t = validateTopology({ regions: [{ id: 'eu-fra', name: 'F', city: 'F', country: 'DE', zones: ['DE'] }] }, 't');
    // parseZones accepts only zones of the topology, so an empty result needs a region-less zone: none here.
    assert.deepEqual(recommendRegions(t, { zones: ['DE'], from: { region: 'eu-fra' } }).length, 1);
    const empty = recommendRegions({ ...t, regions: [] }, { from: { rttMs: new Map() } });
    assert.deepEqual(empty, []);
  });

  it('refuses unknown zones, unknown regions and impossible inputs', () => {
    assert.equal(invalid(() => recommendRegions(demo, { zones: ['EU', 'US'], from: { region: 'eu-fra' } })), 'Unknown zone US; the zones of this topology are CN, DE, EEA, EU, FR, GB, IN.');
    assert.equal(invalid(() => recommendRegions(demo, { zones: [''], from: { region: 'eu-fra' } })), 'A residency policy must name at least one zone.');
    assert.equal(invalid(() => recommendRegions(demo, { from: { region: 'us-east-1' } })), "Unknown region 'us-east-1'; the regions of this topology are eu-fra, eu-lon, eu-par, ap-bom, cn-hgh.");
    assert.equal(invalid(() => recommendRegions(demo, { from: { rttMs: new Map([['eu-xxx', 1]]) } })), "Unknown region 'eu-xxx'; the regions of this topology are eu-fra, eu-lon, eu-par, ap-bom, cn-hgh.");
    assert.equal(invalid(() => recommendRegions(demo, { from: { rttMs: new Map([['eu-fra', -1]]) } })), 'Round trip -1 ms to eu-fra is not a time >= 0.');
    assert.equal(invalid(() => recommendRegions(demo, { from: { location: { lat: 91, lon: 0 } } })), 'Latitude 91 is outside -90..90.');
    assert.equal(invalid(() => recommendRegions(demo, { from: { location: { lat: 0, lon: Number.NaN } } })), 'Longitude NaN is outside -180..180.');
  });
});

describe('parseRttList and parseLocation', () => {
  it('parses round-trip lists', () => {
    assert.deepEqual([...parseRttList('eu-fra=12,eu-lon=3.5')], [['eu-fra', 12], ['eu-lon', 3.5]]);
    assert.deepEqual([...parseRttList(' eu-fra = 12ms , eu-lon=0 ,')], [['eu-fra', 12], ['eu-lon', 0]]);
  });

  it('refuses malformed round-trip lists', () => {
    assert.equal(invalid(() => parseRttList('eu-fra:12')), "'eu-fra:12' is not a round trip; expected <region>=<milliseconds>, e.g. eu-fra=12.5");
    assert.equal(invalid(() => parseRttList('eu-fra=-1')), "'eu-fra=-1' is not a round trip; expected <region>=<milliseconds>, e.g. eu-fra=12.5");
    assert.equal(invalid(() => parseRttList('eu-fra=fast')), "'eu-fra=fast' is not a round trip; expected <region>=<milliseconds>, e.g. eu-fra=12.5");
    assert.equal(invalid(() => parseRttList('eu-fra=1,eu-fra=2')), 'Region eu-fra is given twice in the round-trip list.');
    assert.equal(invalid(() => parseRttList(' , ')), 'The round-trip list is empty; expected <region>=<milliseconds>,... e.g. eu-fra=12,eu-lon=3.5');
  });

  it('parses locations', () => {
    assert.deepEqual(parseLocation('51.5,-0.12'), { lat: 51.5, lon: -0.12 });
    assert.deepEqual(parseLocation(' -33.87 , +151.21 '), { lat: -33.87, lon: 151.21 });
  });

  it('refuses malformed locations', () => {
    assert.equal(invalid(() => parseLocation('London')), "'London' is not a location; expected <latitude>,<longitude> in decimal degrees, e.g. 51.5,-0.12");
    assert.equal(invalid(() => parseLocation('51.5')), "'51.5' is not a location; expected <latitude>,<longitude> in decimal degrees, e.g. 51.5,-0.12");
    assert.equal(invalid(() => parseLocation('51.5,200')), 'Longitude 200 is outside -180..180.');
    assert.equal(invalid(() => parseLocation('-95,0')), 'Latitude -95 is outside -90..90.');
  });
});
