import pg from "pg";

/**
 * One set of JavaScript types for query results, whichever backend runs.
 *
 * node-postgres and PGlite disagree out of the box: pg gives int8 and numeric as strings, PGlite
 * gives int8 as a number (or a bigint past 2^53) and bytea as a Uint8Array, and each turns `date`
 * into a Date at a different midnight (local vs UTC). Code written against one would break on the
 * other, so both are told the same thing here:
 *
 * - int8 → number. GitHub ids are past 2^31 but far below 2^53, and `count(*)` is int8, so a number
 *   is what every caller wants. A value past Number.MAX_SAFE_INTEGER throws rather than silently
 *   rounding an id into someone else's.
 * - numeric → number. We only meet numeric as the result of avg()/sum() over scores and counts,
 *   never money, so the float is exact enough and saves a Number() at every call site.
 * - date → "YYYY-MM-DD" string. A calendar day has no time zone; a Date would shift it.
 * - bytea → Buffer (pg's default; PGlite is converted).
 * - timestamptz → Date, jsonb/json → parsed value, real/float8/int2/int4 → number,
 *   text[] → string[]: both backends already agree, nothing to do.
 *
 * `timestamp without time zone` is not used by the schema (every column is timestamptz), so its
 * local-vs-UTC difference between backends is deliberately left alone.
 *
 * Writing has one trap left: node-postgres sends a JS array as a Postgres array literal, so a jsonb
 * column that holds an array must be given JSON.stringify(value) (PGlite accepts either). Objects,
 * Dates, Buffers and text[] arrays can be passed as they are on both.
 */

const OID = {
  bytea: 17,
  int8: 20,
  date: 1082,
  numeric: 1700,
  int8Array: 1016,
  dateArray: 1182,
  numericArray: 1231,
  textArray: 1009,
} as const;

type TextParser = (text: string) => unknown;

// pg's typings only accept its enum of built-in OIDs; ours are the same numbers.
const defaultParser = pg.types.getTypeParser as (oid: number, format?: string) => TextParser;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} does not fit a JavaScript number exactly`);
  }
  return value;
}

function parseNumeric(text: string): number {
  return Number(text);
}

function keepText(text: string): string {
  return text;
}

function parseHexBytea(text: string): Buffer {
  // bytea_output is 'hex' by default on every supported server version.
  return Buffer.from(text.startsWith("\\x") ? text.slice(2) : text, "hex");
}

/** PGlite applies element parsers inside arrays itself, so scalar types are enough. */
export const pgliteParsers: Record<number, TextParser> = {
  [OID.int8]: parseInt8,
  [OID.numeric]: parseNumeric,
  [OID.date]: keepText,
  [OID.bytea]: parseHexBytea,
};

const textParsers: Partial<Record<number, TextParser>> = {
  [OID.int8]: parseInt8,
  [OID.numeric]: parseNumeric,
  [OID.date]: keepText,
};

function arrayOf(element: TextParser): TextParser {
  // pg's text[] parser splits any one-dimensional array literal into strings (null for NULL);
  // only the elements need converting.
  const parseLiteral = defaultParser(OID.textArray) as (text: string) => (string | null)[] | null;
  return (text) => parseLiteral(text)?.map((entry) => (entry === null ? null : element(entry))) ?? null;
}

const arrayParsers: Partial<Record<number, TextParser>> = {
  [OID.int8Array]: arrayOf(parseInt8),
  [OID.numericArray]: arrayOf(parseNumeric),
  [OID.dateArray]: arrayOf(keepText),
};

/**
 * A per-connection `types` for node-postgres. Scoped to our pool rather than set with
 * pg.types.setTypeParser, which would change results for every other pg user in the process.
 */
export const pgTypes = {
  getTypeParser(oid: number, format?: string): TextParser {
    if (format !== "binary") {
      const own = textParsers[oid] ?? arrayParsers[oid];
      if (own) return own;
    }
    return defaultParser(oid, format);
  },
};
