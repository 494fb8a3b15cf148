/**
 * A topology that cannot be used. Every problem names its source and the place in it
 * (`t.yaml: regions[2].country: ...`), and all of them are reported at once so an operator
 * fixes a file in one pass rather than one error per restart.
 */
export class TopologyError extends Error {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} problems in topology ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'TopologyError';
    this.problems = problems;
  }
}
