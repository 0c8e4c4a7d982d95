import { describe, expect, it } from "vitest";
import { highlightSegments } from "../../web/src/lib/matching/highlight.js";

// The search page renders highlights from these segments as text: only our <mark> tags become marks.
describe("search highlight segments", () => {
  it("turns <mark> pairs into marked text and decodes the escaped characters back", () => {
    expect(highlightSegments("Fix the <mark>parser</mark> for a &lt;b&gt; &amp; &quot;x&quot;")).toEqual([
      { text: "Fix the ", marked: false },
      { text: "parser", marked: true },
      { text: ' for a <b> & "x"', marked: false },
    ]);
  });

  it("never produces markup: escaped tags, even an escaped <mark>, stay text", () => {
    const segments = highlightSegments("&lt;mark&gt;no&lt;/mark&gt; &lt;img src=x onerror=alert(1)&gt; <mark>yes</mark>");
    expect(segments).toEqual([
      { text: "<mark>no</mark> <img src=x onerror=alert(1)> ", marked: false },
      { text: "yes", marked: true },
    ]);
  });

  it("decodes each entity once, and leaves unknown or double-escaped ones as typed", () => {
    expect(highlightSegments("&amp;lt; &nbsp; &#60;")).toEqual([{ text: "&lt; &nbsp; &#60;", marked: false }]);
  });

  it("copes with unbalanced or adjacent marks", () => {
    expect(highlightSegments("<mark>a</mark><mark>b</mark> c </mark>d<mark>e")).toEqual([
      { text: "ab", marked: true },
      { text: " c d", marked: false },
      { text: "e", marked: true },
    ]);
    expect(highlightSegments("")).toEqual([]);
  });
});
