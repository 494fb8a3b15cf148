import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { testTopology } from '../placement/test-topology.js';
import { allowedRegions, checkPlacement, checkTransfer, defaultPolicy, explicitPolicy, findRegion, isWithin, parseZones } from './policy.js';

const t = testTopology();
const region = (id: string) => findRegion(t, id)!;
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return isAppError(e) ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
};

describe('residency policy', () => {
  it('normalises zone lists and refuses unknown or malformed zones', () => {
    assert.deepEqual(parseZones(t, ['eu, de', 'EU']), ['DE', 'EU']);
    assert.match(codeOf(() => parseZones(t, ['DE', 'MARS'])), /^InvalidArgument: Unknown zone MARS; the zones of this topology are DE, EEA, EU, FR, GB\.$/);
    assert.match(codeOf(() => parseZones(t, [' , '])), /^InvalidArgument: A residency policy must name at least one zone/);
    assert.match(codeOf(() => parseZones(t, ['D E'])), /^InvalidArgument: 'D E' is not a valid zone name/);
  });

  it('allows a region when it is in any zone of the policy', () => {
    assert.deepEqual(allowedRegions(t, ['DE']).map((r) => r.id), ['de-1', 'de-2']);
    assert.deepEqual(allowedRegions(t, ['EU']).map((r) => r.id), ['de-1', 'de-2', 'fr-1']);
    assert.deepEqual(allowedRegions(t, ['FR', 'GB']).map((r) => r.id), ['fr-1', 'gb-1']);
    assert.deepEqual(defaultPolicy(region('gb-1')), { zones: ['GB'], explicit: false });
  });

  it('compares policies by the regions they allow', () => {
    assert.equal(isWithin(t, ['DE'], ['EU']), true);
    assert.equal(isWithin(t, ['EU'], ['DE']), false);
    assert.equal(isWithin(t, ['EU'], ['EEA']), true, 'EU and EEA allow the same regions here');
  });

  it('places a bucket only inside its policy and the mandatory one', () => {
    checkPlacement(t, { bucket: 'b', region: region('de-2'), policy: explicitPolicy(t, ['DE']) });
    assert.match(codeOf(() => checkPlacement(t, { bucket: 'b', region: region('gb-1'), policy: explicitPolicy(t, ['EU']) })),
      /^ResidencyViolation: Residency policy \[EU\] of bucket 'b' does not allow region gb-1 \(GB: GB\); allowed regions: de-1 \(DE\), de-2 \(DE\), fr-1 \(FR\)\.$/);
    assert.match(codeOf(() => checkPlacement(t, { bucket: 'b', region: region('de-1'), policy: explicitPolicy(t, ['EU']), mandatory: ['DE'] })),
      /^ResidencyViolation: .* wider than the account's mandatory policy \[DE\]: it would allow fr-1 \(FR\)\.$/);
  });

  it('lets bytes move only to buckets whose every possible region the source allows', () => {
    const at = (bucket: string, id: string, zones: string[]) => ({ bucket, region: region(id), policy: explicitPolicy(t, zones) });
    checkTransfer(t, at('s', 'de-1', ['DE']), at('d', 'de-2', ['DE']), 'Replication');
    checkTransfer(t, at('s', 'de-1', ['EU']), at('d', 'fr-1', ['FR']), 'CopyObject');
    assert.match(codeOf(() => checkTransfer(t, at('s', 'de-1', ['DE']), at('d', 'fr-1', ['FR']), 'CopyObject')),
      /^ResidencyViolation: CopyObject refused: bucket 's' may live only in \[DE\] \(regions de-1 \(DE\), de-2 \(DE\)\), and bucket 'd' is in region fr-1 \(FR\)\.$/);
    assert.match(codeOf(() => checkTransfer(t, at('s', 'de-1', ['DE']), at('d', 'de-1', ['EU']), 'UploadPartCopy')),
      /^ResidencyViolation: UploadPartCopy refused: .* policy \[EU\] of bucket 'd' would let its copy move to fr-1 \(FR\)\.$/);
  });
});
