import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TopologyError } from './error.js';
import { loadTopologyFile, parseTopology } from './parse.js';
import { validateTopology } from './validate.js';


function fra(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'eu-fra', name: 'Frankfurt', city: 'Frankfurt am Main', country: 'DE', zones: ['DE', 'EU', 'EEA'], ...extra };
}
function lon(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'eu-lon', name: 'London', city: 'London', country: 'GB', zones: ['GB'], ...extra };
}

/** The problems validation reports for a document (fails when it is accepted). */
function problems(doc: unknown): readonly string[] {
  try {
    validateTopology(doc, 't.yaml');
  } catch (e) {
    assert.ok(e instanceof TopologyError, `expected a TopologyError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail('expected the topology to be refused');
}

/** Exactly one problem, and it is this one. */
function refusedWith(doc: unknown, expected: string): void {
  assert.deepEqual(problems(doc), [expected]);
}

function regionProblem(region: Record<string, unknown>, expected: string): void {
  refusedWith({ regions: [region] }, expected);
}

describe('validateTopology', () => {
  it('builds a topology with defaults: first region as default, regions/<id> storage, self latency 0', () => {
    const t = validateTopology({ regions: [fra(), lon()] }, 'src');
    assert.equal(t.source, 'src');
    assert.equal(t.defaultRegion, 'eu-fra');
    assert.deepEqual(t.regions.map((r) => [r.id, r.storage]), [['eu-fra', 'regions/eu-fra'], ['eu-lon', 'regions/eu-lon']]);
    assert.equal(t.regions[0]?.endpoint, undefined);
    assert.ok(!('endpoint' in (t.regions[0] as object)), 'absent optional fields are not set to undefined');
    assert.deepEqual([...(t.latencyMs.get('eu-fra') ?? [])], [['eu-fra', 0]]);
    assert.equal(t.controlPlane, undefined);
    assert.ok(Object.isFrozen(t.regions) && Object.isFrozen(t.regions[0]) && Object.isFrozen(t.regions[0]?.zones));
  });

  it('keeps every declared field and normalises endpoints and storage', () => {
    const t = validateTopology(
      {
        defaultRegion: 'eu-lon',
        controlPlane: { endpoint: 'http://127.0.0.1:9100/' },
        regions: [fra({ endpoint: 'HTTPS://S3.eu-fra.Example.net:443', storage: './data//fra/', location: { lat: 50.11, lon: 8.68 } }), lon({ storage: '/srv/lon' })],
      },
      'src',
    );
    assert.equal(t.defaultRegion, 'eu-lon');
    assert.deepEqual(t.controlPlane, { endpoint: 'http://127.0.0.1:9100' });
    assert.equal(t.regions[0]?.endpoint, 'https://s3.eu-fra.example.net');
    assert.equal(t.regions[0]?.storage, 'data/fra');
    assert.deepEqual(t.regions[0]?.location, { lat: 50.11, lon: 8.68 });
    assert.equal(t.regions[1]?.storage, '/srv/lon');
  });

  it('holds declared latencies both ways, once or twice declared', () => {
    const t = validateTopology({ regions: [fra(), lon(), fra({ id: 'eu-par', country: 'FR', zones: ['FR', 'EU'] })], latency: { 'eu-fra': { 'eu-lon': 15, 'eu-fra': 0 }, 'eu-lon': { 'eu-fra': 15 }, 'eu-par': { 'eu-lon': 9.5 } } }, 'src');
    assert.equal(t.latencyMs.get('eu-fra')?.get('eu-lon'), 15);
    assert.equal(t.latencyMs.get('eu-lon')?.get('eu-fra'), 15);
    assert.equal(t.latencyMs.get('eu-lon')?.get('eu-par'), 9.5);
    assert.equal(t.latencyMs.get('eu-par')?.get('eu-lon'), 9.5);
    assert.equal(t.latencyMs.get('eu-par')?.get('eu-par'), 0);
    assert.equal(t.latencyMs.get('eu-par')?.get('eu-fra'), undefined, 'undeclared pairs stay undeclared');
  });

  it('refuses documents that are not a mapping', () => {
    refusedWith(null, 't.yaml: the topology is empty; expected a mapping with a regions list');
    refusedWith(undefined, 't.yaml: the topology is empty; expected a mapping with a regions list');
    refusedWith([fra()], 't.yaml: expected a mapping with a regions list, got a list');
    refusedWith('regions', "t.yaml: expected a mapping with a regions list, got 'regions'");
  });

  it('refuses unknown fields, suggesting the intended one', () => {
    refusedWith({ regions: [fra()], latencies: {} }, "t.yaml: latencies: unknown field (did you mean 'latency'?); expected defaultRegion, controlPlane, regions, latency");
    regionProblem(fra({ zone: ['DE'] }), "t.yaml: regions[0].zone: unknown field (did you mean 'zones'?); expected id, name, city, country, zones, endpoint, storage, location");
    regionProblem(fra({ owner: 'x' }), 't.yaml: regions[0].owner: unknown field; expected id, name, city, country, zones, endpoint, storage, location');
    regionProblem(fra({ location: { lat: 1, lon: 2, alt: 3 } }), 't.yaml: regions[0].location.alt: unknown field; expected lat, lon');
    refusedWith({ regions: [fra()], controlPlane: { endpoint: 'http://a', url: 'http://b' } }, 't.yaml: controlPlane.url: unknown field; expected endpoint');
  });

  it('needs a non-empty list of regions', () => {
    refusedWith({}, 't.yaml: regions: is required: list at least one region');
    refusedWith({ regions: [] }, 't.yaml: regions: must list at least one region');
    refusedWith({ regions: { 'eu-fra': fra() } }, "t.yaml: regions: must be a list of regions (each item starting with '- id: ...'), got a mapping");
    refusedWith({ regions: ['eu-fra'] }, "t.yaml: regions[0]: must be a mapping with id, name, city, country and zones, got 'eu-fra'");
  });

  it('checks region ids and their uniqueness', () => {
    regionProblem(fra({ id: undefined }), "t.yaml: regions[0].id: is required, e.g. 'eu-fra'");
    for (const bad of ['EU-FRA', 'e', '1fra', 'eu_fra', 'a'.repeat(33)]) {
      regionProblem(fra({ id: bad }), `t.yaml: regions[0].id: '${bad.length > 60 ? '' : bad}' is not a region id (2-32 characters: lower-case letters, digits and '-', starting with a letter)`);
    }
    regionProblem(fra({ id: 7 }), "t.yaml: regions[0].id: number 7 is not a region id (2-32 characters: lower-case letters, digits and '-', starting with a letter)");
    refusedWith({ regions: [fra(), lon(), fra({ storage: 'other' })] }, "t.yaml: regions[2].id: 'eu-fra' is already the id of regions[0]");
  });

  it('needs name and city as non-empty text', () => {
    regionProblem(fra({ name: undefined }), 't.yaml: regions[0].name: is required');
    regionProblem(fra({ name: '  ' }), 't.yaml: regions[0].name: must not be empty');
    regionProblem(fra({ name: 42 }), 't.yaml: regions[0].name: must be text, got number 42');
    regionProblem(fra({ city: 'Frank\nfurt' }), 't.yaml: regions[0].city: must not contain control characters');
    regionProblem(fra({ city: 'x'.repeat(201) }), 't.yaml: regions[0].city: must be at most 200 characters');
    regionProblem(fra({ city: null }), 't.yaml: regions[0].city: is required');
  });

  it('checks the country against the assigned ISO 3166-1 alpha-2 codes', () => {
    regionProblem(fra({ country: 'Germany' }), "t.yaml: regions[0].country: 'Germany' is not an ISO 3166-1 alpha-2 country code");
    regionProblem(fra({ country: 'QQ' }), "t.yaml: regions[0].country: 'QQ' is not an ISO 3166-1 alpha-2 country code");
    regionProblem(lon({ country: 'UK', zones: ['GB'] }), "t.yaml: regions[0].country: 'UK' is not an ISO 3166-1 alpha-2 country code (the United Kingdom is 'GB')");
    regionProblem(fra({ country: 'de' }), "t.yaml: regions[0].country: 'de' is not an ISO 3166-1 alpha-2 country code (codes are upper case: 'DE')");
    regionProblem(fra({ country: undefined }), "t.yaml: regions[0].country: is required: the region's ISO 3166-1 alpha-2 country code, e.g. 'DE'");
    for (const cc of ['NO', 'CH', 'AX', 'SS', 'XK'.replace('XK', 'BQ')]) {
      assert.equal(validateTopology({ regions: [{ id: 'r1', name: 'n', city: 'c', country: cc, zones: [cc] }] }, 's').regions[0]?.country, cc);
    }
  });

  it('checks zones: a non-empty list of zone names including the country and no other country', () => {
    regionProblem(fra({ zones: undefined }), 't.yaml: regions[0].zones: is required: the legal zones of the region, including its country, e.g. [DE]');
    regionProblem(fra({ zones: [] }), 't.yaml: regions[0].zones: must be a non-empty list of zone names, got a list');
    regionProblem(fra({ zones: 'DE' }), "t.yaml: regions[0].zones: must be a non-empty list of zone names, got 'DE'");
    regionProblem(fra({ zones: ['DE', 'eu'] }), "t.yaml: regions[0].zones[1]: 'eu' is not a zone name (upper-case letters, digits, '_' and '-', at most 32); did you mean 'EU'?");
    regionProblem(fra({ zones: ['DE', 'E U'] }), "t.yaml: regions[0].zones[1]: 'E U' is not a zone name (upper-case letters, digits, '_' and '-', at most 32)");
    regionProblem(fra({ zones: ['DE', 'EU', 'EU'] }), "t.yaml: regions[0].zones[2]: 'EU' is listed twice");
    regionProblem(fra({ zones: ['EU', 'EEA'] }), "t.yaml: regions[0].zones: must include the region's country DE");
    regionProblem(fra({ zones: ['DE', 'FR', 'EU'] }), "t.yaml: regions[0].zones[1]: 'FR' is the country code of another country; a region in DE cannot be in zone FR");
  });

  it('checks endpoints: an http(s) origin', () => {
    regionProblem(fra({ endpoint: 'localhost:9001' }), "t.yaml: regions[0].endpoint: 'localhost:9001' must use http or https, not localhost");
    regionProblem(fra({ endpoint: 'not a url' }), "t.yaml: regions[0].endpoint: 'not a url' is not a URL; expected e.g. 'https://s3.eu-fra.example.net'");
    regionProblem(fra({ endpoint: 'ftp://h' }), "t.yaml: regions[0].endpoint: 'ftp://h' must use http or https, not ftp");
    regionProblem(fra({ endpoint: 'http://u:p@h:1' }), "t.yaml: regions[0].endpoint: 'http://h:1' must not contain credentials");
    regionProblem(fra({ endpoint: 'http://h:1/s3' }), "t.yaml: regions[0].endpoint: 'http://h:1/s3' must be a bare origin without path, query or fragment, e.g. 'http://h:1'");
    regionProblem(fra({ endpoint: 'http://h:1?x=1' }), "t.yaml: regions[0].endpoint: 'http://h:1?x=1' must be a bare origin without path, query or fragment, e.g. 'http://h:1'");
    regionProblem(fra({ endpoint: 9001 }), "t.yaml: regions[0].endpoint: must be an http(s) URL such as 'http://127.0.0.1:9001', got number 9001");
    refusedWith({ regions: [fra()], controlPlane: {} }, 't.yaml: controlPlane.endpoint: is required');
    refusedWith({ regions: [fra()], controlPlane: 'http://h' }, "t.yaml: controlPlane: must be a mapping { endpoint: <http(s) URL> }, got 'http://h'");
    refusedWith({ regions: [fra()], controlPlane: { endpoint: 'http://h/x' } }, "t.yaml: controlPlane.endpoint: 'http://h/x' must be a bare origin without path, query or fragment, e.g. 'http://h'");
  });

  it('checks storage: inside the data directory when relative, one directory per region', () => {
    regionProblem(fra({ storage: '../elsewhere' }), "t.yaml: regions[0].storage: '../elsewhere' must not contain '..'; relative paths stay inside the data directory");
    regionProblem(fra({ storage: 'a/../../b' }), "t.yaml: regions[0].storage: 'a/../../b' must not contain '..'; relative paths stay inside the data directory");
    regionProblem(fra({ storage: './' }), "t.yaml: regions[0].storage: './' names the data directory itself; use a subdirectory such as 'regions/<id>'");
    regionProblem(fra({ storage: '' }), "t.yaml: regions[0].storage: must be a directory path, got ''");
    refusedWith({ regions: [fra({ storage: 'data' }), lon({ storage: './data/' })] }, "t.yaml: regions[1].storage: 'data' is also the storage of region eu-fra; each region needs its own directory");
    refusedWith({ regions: [fra({ storage: 'data' }), lon({ storage: 'data/lon' })] }, "t.yaml: regions[1].storage: 'data/lon' is inside the storage of region eu-fra ('data')");
    refusedWith({ regions: [fra({ storage: '/srv/a/b' }), lon({ storage: '/srv/a' })] }, "t.yaml: regions[1].storage: '/srv/a' contains the storage of region eu-fra ('/srv/a/b')");
    refusedWith({ regions: [fra({ storage: 'regions/eu-lon' }), lon()] }, "t.yaml: regions[1].storage: 'regions/eu-lon' is also the storage of region eu-fra; each region needs its own directory");
    assert.equal(validateTopology({ regions: [fra({ storage: 'data-fra' }), lon({ storage: 'data' })] }, 's').regions.length, 2, "'data-fra' is not inside 'data'");
  });

  it('checks locations', () => {
    regionProblem(fra({ location: '50,8' }), "t.yaml: regions[0].location: must be a mapping { lat: <degrees>, lon: <degrees> }, got '50,8'");
    regionProblem(fra({ location: { lat: 91, lon: 0 } }), 't.yaml: regions[0].location.lat: 91 is outside -90..90');
    regionProblem(fra({ location: { lat: 0, lon: -180.5 } }), 't.yaml: regions[0].location.lon: -180.5 is outside -180..180');
    regionProblem(fra({ location: { lat: 50 } }), 't.yaml: regions[0].location.lon: is required');
    regionProblem(fra({ location: { lat: '50', lon: 8 } }), "t.yaml: regions[0].location.lat: must be a number of degrees, got '50'");
  });

  it('checks the default region', () => {
    refusedWith({ regions: [fra()], defaultRegion: 'eu-lon' }, "t.yaml: defaultRegion: 'eu-lon' is not a region of this topology; the regions are eu-fra");
    refusedWith({ regions: [fra()], defaultRegion: 1 }, 't.yaml: defaultRegion: number 1 is not a region of this topology; the regions are eu-fra');
  });

  it('checks latencies: known regions, times >= 0, 0 to itself, symmetric', () => {
    const two = [fra(), lon()];
    refusedWith({ regions: two, latency: [] }, 't.yaml: latency: must be a mapping of region id to { other-region-id: round-trip ms }, got a list');
    refusedWith({ regions: two, latency: { 'eu-xx': { 'eu-lon': 1 } } }, "t.yaml: latency.eu-xx: unknown region 'eu-xx'; the regions are eu-fra, eu-lon");
    refusedWith({ regions: two, latency: { 'eu-fra': { 'eu-xx': 1 } } }, "t.yaml: latency.eu-fra.eu-xx: unknown region 'eu-xx'; the regions are eu-fra, eu-lon");
    refusedWith({ regions: two, latency: { 'eu-fra': 15 } }, 't.yaml: latency.eu-fra: must be a mapping of region id to round-trip ms, got number 15');
    refusedWith({ regions: two, latency: { 'eu-fra': { 'eu-lon': -1 } } }, 't.yaml: latency.eu-fra.eu-lon: must be a round-trip time in milliseconds (a number >= 0), got number -1');
    refusedWith({ regions: two, latency: { 'eu-fra': { 'eu-lon': '15ms' } } }, "t.yaml: latency.eu-fra.eu-lon: must be a round-trip time in milliseconds (a number >= 0), got '15ms'");
    refusedWith({ regions: two, latency: { 'eu-fra': { 'eu-fra': 1 } } }, 't.yaml: latency.eu-fra.eu-fra: the latency of a region to itself is 0, not 1');
    refusedWith({ regions: two, latency: { 'eu-fra': { 'eu-lon': 15 }, 'eu-lon': { 'eu-fra': 12 } } }, 't.yaml: latency.eu-lon.eu-fra: 12 disagrees with latency.eu-fra.eu-lon: 15 (round trips are symmetric)');
  });

  it('reports every problem at once, without cascading from one bad id', () => {
    const all = problems({
      regoins: [],
      regions: [fra({ country: 'Germany', storage: '../x' }), lon({ id: 'EU LON' }), lon({ city: '' })],
      latency: { 'eu-lon': { 'eu-fra': 'far' } },
      defaultRegion: 'eu-par',
    });
    assert.deepEqual(all, [
      "t.yaml: regoins: unknown field (did you mean 'regions'?); expected defaultRegion, controlPlane, regions, latency",
      "t.yaml: regions[0].country: 'Germany' is not an ISO 3166-1 alpha-2 country code",
      "t.yaml: regions[0].storage: '../x' must not contain '..'; relative paths stay inside the data directory",
      "t.yaml: regions[1].id: 'EU LON' is not a region id (2-32 characters: lower-case letters, digits and '-', starting with a letter)",
      't.yaml: regions[2].city: must not be empty',
      "t.yaml: defaultRegion: 'eu-par' is not a region of this topology; the regions are eu-fra, eu-lon",
      "t.yaml: latency.eu-lon.eu-fra: must be a round-trip time in milliseconds (a number >= 0), got 'far'",
    ]);
  });

  it('puts a single problem in the message, several as a list', () => {
    const one = new TopologyError('t.yaml', ['t.yaml: regions: must list at least one region']);
    assert.equal(one.message, 't.yaml: regions: must list at least one region');
    const two = new TopologyError('t.yaml', ['t.yaml: a', 't.yaml: b']);
    assert.equal(two.message, '2 problems in topology t.yaml:\n  - t.yaml: a\n  - t.yaml: b');
    assert.equal(two.name, 'TopologyError');
  });
});

describe('parseTopology and loadTopologyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-topology-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const json = JSON.stringify({ regions: [fra(), lon()], latency: { 'eu-fra': { 'eu-lon': 15 } } });

  it('reads JSON, by format or by sniffing the content', () => {
    assert.equal(parseTopology(json, { source: 'x', format: 'json' }).latencyMs.get('eu-lon')?.get('eu-fra'), 15);
    assert.equal(parseTopology(`\uFEFF  ${json}`, { source: 'x' }).regions.length, 2);
  });

  it('reports JSON syntax errors with their line and column', () => {
    assert.throws(
      () => parseTopology('{\n  "regions": [\n    {"id": "eu-fra",}\n  ]\n}', { source: 't.json', format: 'json' }),
      (e: unknown) => e instanceof TopologyError && /^t\.json: invalid JSON \(line 3, column 21\): /.test(e.message),
    );
  });

  it('loads .json files and names the file in every problem', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ regions: [fra({ country: 'Germany' })] }));
    assert.throws(() => loadTopologyFile(file), (e: unknown) => e instanceof TopologyError && e.message === `${file}: regions[0].country: 'Germany' is not an ISO 3166-1 alpha-2 country code`);
    const good = join(dir, 'good.json');
    writeFileSync(good, json);
    assert.equal(loadTopologyFile(good).source, good);
  });

  it('says why a file cannot be read', () => {
    const missing = join(dir, 'missing.yaml');
    assert.throws(() => loadTopologyFile(missing), (e: unknown) => e instanceof TopologyError && e.message === `${missing}: cannot read the topology file: no such file`);
    assert.throws(() => loadTopologyFile(dir), (e: unknown) => e instanceof TopologyError && e.message === `${dir}: cannot read the topology file: it is a directory`);
  });

  it('reads YAML (1.2: NO is Norway, not false)', () => {
    const file = join(dir, 't.yml');
    writeFileSync(file, 'regions:\n  - { id: no-osl, name: Oslo, city: Oslo, country: NO, zones: [NO, EEA] }\n');
    const t = loadTopologyFile(file);
    assert.equal(t.regions[0]?.country, 'NO');
    assert.deepEqual(t.regions[0]?.zones, ['NO', 'EEA']);
    const sniffed = join(dir, 'topology.conf');
    writeFileSync(sniffed, '# comment\nregions: [{ id: eu-lon, name: London, city: London, country: GB, zones: [GB] }]\n');
    assert.equal(loadTopologyFile(sniffed).regions[0]?.id, 'eu-lon');
  });

  it('refuses YAML with syntax errors or duplicate keys, naming the place', () => {
    assert.throws(
      () => parseTopology('regions:\n  - id: eu-fra\n    id: eu-lon\n', { source: 't.yaml', format: 'yaml' }),
      (e: unknown) => e instanceof TopologyError && /^t\.yaml: invalid YAML: Map keys must be unique at line 3, column 5/.test(e.message),
    );
    assert.throws(
      () => parseTopology('regions: [\n', { source: 't.yaml', format: 'yaml' }),
      (e: unknown) => e instanceof TopologyError && /^t\.yaml: invalid YAML: .* at line \d+, column \d+/.test(e.message),
    );
    assert.throws(() => parseTopology('', { source: 't.yaml', format: 'yaml' }), (e: unknown) => e instanceof TopologyError && e.message === 't.yaml: the topology is empty; expected a mapping with a regions list');
  });
});
