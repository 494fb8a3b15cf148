/** Port: which blobs the metadata still references (object segments or upload parts), for GC. */
export interface BlobRefRepo {
  /** The subset of ids referenced by any object version or any in-progress upload part. */
  referenced(blobIds: readonly string[]): Promise<Set<string>>;
}
