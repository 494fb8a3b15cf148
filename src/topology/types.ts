/**
 * The regions Sovra runs in, as an operator declares them in a topology file.
 * Everything about residency is decided against this: a region sits in one
 * country and in legal zones (DE → DE, EU, EEA), and a bucket's policy names
 * the zones its data may live in.
 */

export interface Region {
  /** Stable id used in LocationConstraint, ARNs and signing scopes, e.g. `eu-fra`. */
  readonly id: string;
  /** Display name, e.g. `Frankfurt`. */
  readonly name: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2 country code, upper case, e.g. `DE`. */
  readonly country: string;
  /** Legal zones the region belongs to; always includes its country, e.g. ['DE', 'EU', 'EEA']. */
  readonly zones: readonly string[];
  /**
   * Public S3 endpoint of the region's own process (one-process-per-region mode), e.g.
   * `https://s3.eu-fra.example.net`. Absent in the embedded demo, where one endpoint serves all.
   */
  readonly endpoint?: string;
  /**
   * Where the region keeps its data: a directory, relative to --data-dir unless absolute.
   * Defaults to `regions/<id>`.
   */
  readonly storage: string;
  /** Optional coordinates, for recommending a region from a client location. */
  readonly location?: { readonly lat: number; readonly lon: number };
}

export interface Topology {
  readonly regions: readonly Region[];
  /** Region buckets are placed in when a request names none and the policy allows it. */
  readonly defaultRegion: string;
  /** Round-trip time between two regions in milliseconds (symmetric; 0 for a region to itself). */
  readonly latencyMs: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Control plane (global bucket directory) endpoint for one-process-per-region deployments. */
  readonly controlPlane?: { readonly endpoint: string };
  /** Where it came from, for error messages: a file path or 'built-in demo topology'. */
  readonly source: string;
}
