import { describe, expect, it } from "vitest";
import { computeStats } from "../../src/portfolio/compute-stats.js";
import type { Contribution } from "../../src/portfolio/contribution-store.js";
import { clampText } from "../../src/portfolio/widget/escape-xml.js";
import { renderErrorCard, renderWidget } from "../../src/portfolio/widget/render-widget.js";
import { LAYOUTS, parseWidgetOptions, THEME_NAMES, THEMES } from "../../src/portfolio/widget/widget-themes.js";
import { parseStrictXml, textOf, walk, type XmlElement } from "./strict-xml.js";

/** Small seeded PRNG (mulberry32) so a failure names a reproducible case. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  "<script>alert(1)</script>",
  '"><svg onload=alert(1)>',
  "' onmouseover='alert(1)' x='",
  'x" onclick="alert(1)',
  "javascript:alert(document.cookie)",
  "<foreignObject><iframe src=//evil></iframe></foreignObject>",
  '<a xlink:href="http://evil.example/x">x</a>',
  '<image href="https://evil.example/p.png"/>',
  "url(https://evil.example/x.css)",
  "@import url(//evil.example);",
  "</text></svg><script>x</script>",
  "]]><![CDATA[<script>x</script>]]>",
  "<!-- comment --><?xml-stylesheet href='x'?>",
  "<!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>&x;",
  "&amp;&lt;&#x3c;&#60;&bogus;&",
  "\u0000\u0001\u0007\u000b\u000c\u001b\u007f\u0085",
  "\uD800 lone \uDFFF surrogates",
  "\u202Eevil\u202C \u2066bidi\u2069",
  "\uFFFE\uFFFF",
  "😀👩🏽‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "a".repeat(5000),
  "%3Cscript%3E",
  "\\u003cscript\\u003e",
  "style=\"fill:url(#x)\"",
  "data:image/svg+xml;base64,PHN2Zz4=",
];
const ALPHABET = ['<', '>', '&', '"', "'", "=", "/", " ", "\n", "\t", "\r", ";", "#", "x", ":", "(", ")", "\u0000", "\u0008", "\uD83D", "\uDE00", "é", "\u2028", "s", "on"];

function hostileStrings(count: number): string[] {
  const next = random(20261129);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const parts: string[] = [];
    const pieces = 1 + Math.floor(next() * 4);
    for (let p = 0; p < pieces; p++) {
      if (next() < 0.5) parts.push(SEEDS[Math.floor(next() * SEEDS.length)]!);
      else parts.push(Array.from({ length: 1 + Math.floor(next() * 12) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]!).join(""));
    }
    out.push(parts.join(""));
  }
  return out;
}

const ELEMENTS = new Set(["svg", "title", "style", "rect", "text", "circle", "g"]);
const ATTRIBUTES = new Set(["xmlns", "width", "height", "viewBox", "role", "aria-label", "x", "y", "rx", "cx", "cy", "r", "class", "fill", "stroke", "stroke-opacity"]);

function assertSafe(svg: string, where: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseStrictXml(svg);
  } catch (error) {
    throw new Error(`${where}: not well-formed: ${(error as Error).message}`, { cause: error });
  }
  for (const element of walk(root)) {
    if (!ELEMENTS.has(element.name)) throw new Error(`${where}: element <${element.name}>`);
    for (const [name, value] of Object.entries(element.attributes)) {
      if (!ATTRIBUTES.has(name) || /^on/i.test(name)) throw new Error(`${where}: attribute ${name}`);
      if ((name === "fill" || name === "stroke") && !/^#[0-9a-f]{3,8}$/.test(value)) throw new Error(`${where}: ${name}=${value}`);
    }
    if (element.name === "style") {
      const css = textOf(element);
      if (/url\(|@import|expression|javascript:|[<>"\\]/i.test(css) || /fill:(?!#[0-9a-f]{3,8}[;}])/.test(css)) throw new Error(`${where}: style sheet carries ${css}`);
    }
  }
  if (root.attributes.xmlns !== "http://www.w3.org/2000/svg") throw new Error(`${where}: wrong namespace`);
  return root;
}

function contribution(i: number, hostile: string): Contribution {
  return {
    id: i,
    githubPrId: i,
    repoFullName: hostile,
    prNumber: i,
    title: hostile,
    url: hostile,
    mergedAt: new Date(Date.UTC(2024, 0, 1 + i)),
    additions: 3,
    deletions: 1,
    changedFiles: 1,
    languages: { [hostile]: 5, TypeScript: 4 },
    skillTags: [hostile],
    source: "manual",
    isPrivate: false,
    firstInRepo: i === 0,
    repoDescription: hostile,
    repoStars: 1,
    repoTopics: [hostile],
    enrichedAt: new Date(),
  };
}

describe("README cards under hostile input", () => {
  it("10,000 hostile strings in every user-controlled field render well-formed cards with nothing unescaped", () => {
    const strings = hostileStrings(10_000);
    const now = new Date("2024-03-01T00:00:00Z");
    let checked = 0;
    strings.forEach((hostile, n) => {
      const contributions = [contribution(0, hostile), contribution(1, hostile.slice(0, 7))];
      const stats = computeStats(contributions, { timeZone: hostile, now });
      const layout = LAYOUTS[n % LAYOUTS.length]!;
      const theme = THEME_NAMES[n % THEME_NAMES.length]!;
      const options = parseWidgetOptions({ layout, theme, custom_title: hostile, count: "10" });
      const svg = renderWidget({ login: hostile, name: n % 2 ? hostile : null, stats, recent: contributions }, options);
      const root = assertSafe(svg, `string #${n} (${layout})`);
      // Escaped, not dropped: the title reads back as the (clamped) text that was given.
      const title = [...walk(root)].find((e) => e.name === "text" && e.attributes.class === "t")!;
      const given = clampText(hostile, 40);
      if (given) expect(textOf(title)).toBe(given);
      else expect(textOf(title)).toMatch(/contributions$|^Languages contributed$|^Recently merged$/);
      assertSafe(renderErrorCard(hostile, THEMES[theme]), `error card #${n}`);
      checked += 2;
    });
    expect(checked).toBe(20_000);
  });

  it("colour and theme parameters accept only hex and known names; an injection is refused, never rendered", () => {
    for (const value of ["red", "#fff;}</style><script>", "fff\" onload=\"x", "12345", "ggg", "url(#x)", "fff fff", ""]) {
      expect(() => parseWidgetOptions({ title_color: value }), value).toThrow(/hex colour/);
    }
    expect(() => parseWidgetOptions({ theme: "dark</style>" })).toThrow(/theme must be one of/);
    expect(() => parseWidgetOptions({ layout: "<x>" })).toThrow(/layout must be one of/);
    expect(() => parseWidgetOptions({ onload: "x" })).toThrow(/Unknown parameter/);
    expect(() => parseWidgetOptions({ theme: ["dark", "light"] })).toThrow(/once/);
    expect(parseWidgetOptions({ title_color: "#ABCDEF", bg_color: "000" }).colors).toMatchObject({ title: "abcdef", background: "000" });
  });

  it("the strict checker itself rejects what the cards must never contain", () => {
    for (const bad of ['<svg><script>x</script', "<svg>&bogus;</svg>", "<svg>a < b</svg>", "<svg a='x'/>", "<svg><!-- x --></svg>", "<svg>\u0001</svg>", '<svg a="<"/>']) {
      expect(() => parseStrictXml(bad), bad).toThrow();
    }
    expect(() => assertSafe('<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>', "probe")).toThrow(/attribute onload/);
    expect(() => assertSafe('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "probe")).toThrow(/foreignObject/);
  });
});
