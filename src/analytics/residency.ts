/**
 * Where a query may run. A query runs in one region: the region of the first bucket it
 * reads. It is compatible when every bucket it touches (inputs and the output bucket) allows
 * that region by its residency policy, so no bucket's data is processed outside its zones;
 * and a result written back goes only to a bucket whose policy lies within every input's
 * policy (derived data may live only where all of its sources may). Otherwise the query is
 * refused with ResidencyConflict, naming the buckets and their zones. A bucket this node
 * does not hold is answered by the access port (PermanentRedirect to its region's endpoint).
 */
import { fail } from '../core/errors.js';
import type { BucketPlace, ResidencyRules } from './ports.js';

const zonesText = (z: readonly string[]) => `[${z.join(', ')}]`;

/** The region the query runs in; throws ResidencyConflict when the buckets cannot be processed together. */
export function processingRegion(rules: ResidencyRules, inputs: readonly BucketPlace[], output: BucketPlace | undefined, localRegion: string): string {
  const first = inputs[0] ?? output;
  // A query that reads no object (SELECT 1) touches no one's data: it runs where it was sent.
  if (!first) return localRegion;
  const region = first.region;
  for (const b of [...inputs, ...(output ? [output] : [])]) {
    if (!rules.regionAllowed(region, b.zones)) {
      throw fail('ResidencyConflict', `The query cannot run: it would process bucket '${b.name}' (residency ${zonesText(b.zones)}, region ${b.region}) together with bucket '${first.name}' in region ${region}, which that policy does not allow. Query buckets whose residency policies both allow one region.`, {
        resource: `/${b.name}`,
        details: { Bucket: b.name, Region: b.region, ResidencyPolicy: b.zones.join(', '), ProcessingRegion: region },
      });
    }
  }
  if (output) {
    for (const b of inputs) {
      if (!rules.isWithin(output.zones, b.zones)) {
        throw fail('ResidencyConflict', `The result cannot be written to bucket '${output.name}': its residency ${zonesText(output.zones)} reaches beyond that of bucket '${b.name}' ${zonesText(b.zones)}, whose data the result is made of.`, {
          resource: `/${output.name}`,
          details: { Bucket: output.name, SourceBucket: b.name, ResidencyPolicy: b.zones.join(', ') },
        });
      }
    }
  }
  return region;
}
