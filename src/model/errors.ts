// model/: reading a model (zip, JSON scan, binary format) into a Vocabulary and compiling its tables.
/**
 * Thrown when a model cannot be loaded: the message names the problem and where it is
 * (file, JSON key, piece id). `source` is the file or description given to `Tokenizer.load`.
 */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
  }
}

/**
 * A value as an error message shows it: short, and built without recursing into it (a value
 * nested 100,000 deep, or a string of 100 MB, must not overflow the stack or the message).
 */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number') {
    // JSON numbers past 2^53 or past the doubles' range were rounded when read: say so, not a wrong figure.
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return `a number beyond 2^53-1 (read as ${v})`;
    return Number.isNaN(v) || Number.isFinite(v) ? String(v) : `a number beyond the range of a double (read as ${v})`;
  }
  if (Array.isArray(v)) {
    const flat = v.length <= 4 && v.every((x) => x === null || typeof x !== 'object');
    return flat ? `[${v.map((x) => (typeof x === 'number' ? String(x) : describeValue(x))).join(',')}]` : `an array of ${v.length} items`;
  }
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'no prototype'})`;
  if (typeof v === 'bigint') return `${v}n`;
  return String(v);
}
