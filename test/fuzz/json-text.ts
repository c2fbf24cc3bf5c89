/**
 * JSON text with what JSON.stringify cannot write: number literals that JSON.parse turns
 * into ±Infinity (1e999), literals that are not JSON at all (NaN, Infinity), and nesting
 * far deeper than a recursive serialiser survives. A `Raw` value is spliced into the text
 * verbatim where it stands.
 */
export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return `Raw(${this.text.length > 40 ? `${this.text.slice(0, 20)}…${this.text.slice(-10)} (${this.text.length} chars)` : this.text})`;
  }
}

/** `depth` arrays (or objects under key "a") nested in each other, around `inner`. */
export function nested(depth: number, kind: 'array' | 'object', inner = '0'): Raw {
  return kind === 'array' ? new Raw(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`) : new Raw(`${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`);
}

const MARK = '\u0000raw:';

/** JSON.stringify, with every Raw written as its text. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `${MARK}${raws.length - 1}`;
    }
    return v;
  });
  if (raws.length === 0) return text;
  return text.replace(/"\\u0000raw:(\d+)"/g, (_m, i: string) => raws[Number(i)]);
}
