/**
 * A deliberately strict XML reader for the cards we render: elements, attributes in double quotes
 * and text only — no comments, CDATA, processing instructions or DOCTYPE, only the five predefined
 * and numeric entities, only characters XML 1.0 allows. Throws on anything else, so "it parsed"
 * means nothing slipped through unescaped. Returns the decoded tree.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: Array<XmlElement | string>;
}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/y;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function parseStrictXml(source: string): XmlElement {
  const illegal = ILLEGAL_CHAR.exec(source);
  if (illegal) throw new Error(`illegal character U+${illegal[0].charCodeAt(0).toString(16)} at ${illegal.index}`);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at ${i}: ${JSON.stringify(source.slice(Math.max(0, i - 30), i + 30))}`);
  };
  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  const readName = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(source);
    if (!m) fail("expected a name");
    i += m![0].length;
    return m![0];
  };
  const readText = (stop: string): string => {
    let out = "";
    while (i < source.length && !stop.includes(source[i]!)) {
      const c = source[i]!;
      if (c === "&") {
        ENTITY.lastIndex = i;
        const m = ENTITY.exec(source);
        if (!m) fail("bare or unknown entity");
        out += m![1] ? NAMED[m![1]] : String.fromCodePoint(m![2] ? Number(m![2]) : parseInt(m![3]!, 16));
        i += m![0].length;
      } else if (c === "<" || c === ">" || (c === "]" && source.startsWith("]]>", i))) {
        fail(`unescaped ${c}`);
      } else {
        out += c;
        i++;
      }
    }
    return out;
  };
  const readElement = (): XmlElement => {
    if (source[i] !== "<") fail("expected <");
    i++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipSpace();
      if (source.startsWith("/>", i)) {
        i += 2;
        return { name, attributes, children: [] };
      }
      if (source[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail("expected space before an attribute");
      const attr = readName();
      if (attr in attributes) fail(`duplicate attribute ${attr}`);
      if (source[i] !== "=" || source[i + 1] !== '"') fail("attribute values must be double-quoted");
      i += 2;
      attributes[attr] = readText('"<');
      if (source[i] !== '"') fail("unterminated attribute");
      i++;
    }
    const children: Array<XmlElement | string> = [];
    for (;;) {
      if (i >= source.length) fail(`unclosed <${name}>`);
      if (source.startsWith("</", i)) {
        i += 2;
        if (readName() !== name) fail(`mismatched </…> for <${name}>`);
        skipSpace();
        if (source[i] !== ">") fail("expected >");
        i++;
        return { name, attributes, children };
      }
      if (source[i] === "<") {
        if (/^<[!?]/.test(source.slice(i, i + 2))) fail("comments, CDATA, PIs and DOCTYPEs are not allowed");
        children.push(readElement());
      } else {
        const text = readText("<");
        if (text) children.push(text);
      }
    }
  };
  skipSpace();
  const root = readElement();
  skipSpace();
  if (i !== source.length) fail("content after the root element");
  return root;
}

export function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) if (typeof child !== "string") yield* walk(child);
}

export const textOf = (element: XmlElement): string => element.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
