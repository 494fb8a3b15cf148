/**
 * Query texts checked once and remembered: the guard's verdict (the s3:// references of a
 * query it lets through) and the text with its trailing semicolons blanked, for the next time
 * the same text comes (dashboards and reports send the same SQL again and again). The verdict
 * is a function of the text alone, so a remembered one is what checking again would give;
 * refused texts are not remembered, and a text that differs in any character is checked anew.
 */
import { fail } from '../core/errors.js';
import { blankStatementEnds } from './result-statement.js';
import { guardQuery, type S3Reference, type SerializeSql } from './sql-guard.js';

export interface CheckedQuery {
  references: readonly Readonly<S3Reference>[];
  /** The text with trailing semicolons blanked (same length), ready to go inside a COPY. */
  sql: string;
}

export class CheckedQueries {
  private readonly kept = new Map<string, CheckedQuery>();

  /** Texts longer than `maxChars` are checked every time: the memory stays bounded. */
  constructor(private readonly serialize: SerializeSql, private readonly maxEntries = 256, private readonly maxChars = 16_384) {}

  async check(text: string): Promise<CheckedQuery> {
    const hit = this.kept.get(text);
    if (hit !== undefined) {
      // Most recently used last: the first entry is the one to forget.
      this.kept.delete(text);
      this.kept.set(text, hit);
      return hit;
    }
    const { references } = await guardQuery(text, this.serialize);
    const sql = blankStatementEnds(text);
    if (sql !== text && (await this.serialize(sql)) !== (await this.serialize(text))) {
      throw fail('InvalidQuery', 'The query could not be told from its trailing semicolon; send it without one.');
    }
    const checked: CheckedQuery = Object.freeze({ references: Object.freeze(references.map((r) => Object.freeze({ ...r }))), sql });
    if (text.length <= this.maxChars) {
      if (this.kept.size >= this.maxEntries) this.kept.delete(this.kept.keys().next().value as string);
      this.kept.set(text, checked);
    }
    return checked;
  }

  get size(): number {
    return this.kept.size;
  }
}
