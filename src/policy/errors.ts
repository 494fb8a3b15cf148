import { AppError } from '../core/errors.js';

/**
 * A policy document that cannot be accepted. The message always starts with
 * `line L, column C: ` so a person editing the JSON finds the offending element;
 * Line and Column are also rendered as separate fields by the protocols.
 */
export class PolicyError extends AppError {
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  constructor(line: number, column: number, reason: string) {
    super('MalformedPolicy', `line ${line}, column ${column}: ${reason}`, {
      details: { Line: String(line), Column: String(column) },
    });
    this.name = 'PolicyError';
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

export function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError;
}

/** Maps character offsets of one text to 1-based line and column numbers. */
export class TextPositions {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // \r\n counts once; a lone \r also ends a line, as editors show it.
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  error(offset: number, reason: string): PolicyError {
    const { line, column } = this.at(offset);
    return new PolicyError(line, column, reason);
  }
}
