import type { Page } from "playwright-core";

// Accessibility checks in the spirit of axe, small enough to read: each runs inside the page
// (page.evaluate ships the function's source, so it may use nothing from this module's scope) and
// returns what it found wrong as short sentences naming the element.

export interface AuditOptions {
  /** how many text elements to test for contrast */
  contrastSample: number;
}

/** Structure, names and contrast of the page as it is now. Returns one line per problem. */
export function auditPage(page: Page, options: AuditOptions = { contrastSample: 250 }): Promise<string[]> {
  return page.evaluate(inPageAudit, options);
}

/** Runs in the browser. Everything it needs is defined inside it. */
function inPageAudit(options: AuditOptions): string[] {
  const problems: string[] = [];
  const describe = (el: Element): string => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className.trim() ? `.${el.className.trim().split(/\s+/).slice(0, 2).join(".")}` : "";
    const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id}${cls}>${text ? ` "${text}"` : ""}`;
  };
  const visible = (el: Element): boolean => {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  const byIds = (ids: string | null): string =>
    (ids ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? "")
      .join(" ")
      .trim();
  /** The accessible name, as far as these checks need it. */
  const nameOf = (el: Element): string => {
    const labelledBy = byIds(el.getAttribute("aria-labelledby"));
    if (labelledBy) return labelledBy;
    const label = el.getAttribute("aria-label")?.trim();
    if (label) return label;
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
      const labels = Array.from(el.labels ?? []).map((l) => l.textContent?.trim() ?? "").join(" ").trim();
      if (labels) return labels;
      if (el instanceof HTMLInputElement && ["submit", "reset", "button"].includes(el.type)) return el.value.trim();
      if (el instanceof HTMLInputElement && el.type === "image") return el.alt.trim();
      // A control's own text (a select's options, a textarea's value) is not its name.
      return el.getAttribute("title")?.trim() ?? "";
    }
    const text = Array.from(el.childNodes)
      .map((node) => {
        if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? "";
        if (!(node instanceof Element) || node.getAttribute("aria-hidden") === "true") return "";
        if (node instanceof HTMLImageElement) return node.alt;
        return nameOf(node);
      })
      .join(" ")
      .trim();
    if (text) return text;
    return el.getAttribute("title")?.trim() ?? "";
  };

  // The document: its language, one main landmark, one h1, headings in order, unique ids.
  if (!document.documentElement.getAttribute("lang")) problems.push("html has no lang attribute");
  const mains = document.querySelectorAll("main, [role=main]");
  if (mains.length !== 1) problems.push(`expected one main landmark, found ${mains.length}`);
  const h1s = Array.from(document.querySelectorAll("h1")).filter(visible);
  if (h1s.length !== 1) problems.push(`expected one h1, found ${h1s.length}: ${h1s.map(describe).join(", ")}`);
  let previous = 0;
  for (const heading of Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6")).filter(visible)) {
    const level = Number(heading.tagName[1]);
    if (previous > 0 && level > previous + 1) problems.push(`heading skips from h${previous} to h${level}: ${describe(heading)}`);
    if (!heading.textContent?.trim()) problems.push(`empty heading: ${describe(heading)}`);
    previous = level;
  }
  const seen = new Map<string, number>();
  for (const el of Array.from(document.querySelectorAll("[id]"))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
  for (const [id, count] of seen) if (count > 1) problems.push(`id "${id}" is used ${count} times`);

  // Controls, links, buttons and images say what they are.
  for (const control of Array.from(document.querySelectorAll("input, select, textarea"))) {
    if (control instanceof HTMLInputElement && control.type === "hidden") continue;
    if (!nameOf(control)) problems.push(`form control without a label: ${describe(control)}`);
  }
  for (const el of Array.from(document.querySelectorAll("a[href], button, [role=button], summary"))) {
    if (!visible(el) && !el.closest("details:not([open])")) continue;
    if (!nameOf(el)) problems.push(`${el.tagName.toLowerCase()} without discernible text: ${el.outerHTML.slice(0, 80)}`);
  }
  for (const img of Array.from(document.querySelectorAll("img"))) {
    if (!img.hasAttribute("alt")) problems.push(`image without alt: ${img.outerHTML.slice(0, 80)}`);
  }
  for (const svg of Array.from(document.querySelectorAll("svg[role=img]"))) {
    if (!nameOf(svg) && !svg.querySelector("title")?.textContent?.trim()) problems.push(`svg image without a name: ${describe(svg)}`);
  }

  // Text contrast against what is really behind it (WCAG AA: 4.5:1, 3:1 for large text).
  type Rgba = [number, number, number, number];
  const parse = (value: string): Rgba | null => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const parts = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const backgroundOf = (el: Element): Rgba | null => {
    const layers: Rgba[] = [];
    for (let node: Element | null = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      // Text over an image or a gradient has no single background to measure against.
      if (style.backgroundImage !== "none") return null;
      const colour = parse(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    let result: Rgba = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = ([r, g, b]: Rgba): number => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const textElements = Array.from(document.querySelectorAll("body *")).filter(
    (el) =>
      !["SCRIPT", "STYLE", "NOSCRIPT", "svg", "OPTION"].includes(el.tagName) &&
      !el.closest("svg, [aria-hidden=true], .visually-hidden, .sr-only") &&
      Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()) &&
      visible(el),
  );
  for (const el of textElements.slice(0, options.contrastSample)) {
    const style = getComputedStyle(el);
    // Visually hidden text (the skip link before it is focused, screen-reader-only labels).
    if (style.clip !== "auto" && style.position === "absolute") continue;
    if (Number(style.opacity) === 0) continue;
    const background = backgroundOf(el);
    const colour = parse(style.color);
    if (!background || !colour) continue;
    const foreground = over(colour, background);
    const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
    const ratio = (light! + 0.05) / (dark! + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)}:1 below ${needed}:1 (${style.color} on rgb(${background.slice(0, 3).map(Math.round).join(", ")})): ${describe(el)}`);
  }
  return problems;
}

/**
 * Tabs through the first `count` focusable elements and reports any whose focus cannot be seen:
 * no outline and no box-shadow while focused.
 */
export async function auditFocus(page: Page, count: number): Promise<string[]> {
  const problems: string[] = [];
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  await page.locator("body").focus().catch(() => undefined);
  for (let i = 0; i < count; i++) {
    await page.keyboard.press("Tab");
    const state = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      const shadow = style.boxShadow !== "none";
      const text = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      return { visibleFocus: outline || shadow, what: `<${el.tagName.toLowerCase()}> "${text}"` };
    });
    if (!state) break;
    if (!state.visibleFocus) problems.push(`no visible focus on ${state.what}`);
  }
  return problems;
}

/**
 * Whether the page scrolls sideways at the viewport's width: empty when it does not, otherwise the
 * innermost elements that reach past the right edge (inside a scroll box of their own is fine).
 */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const scrolls = (el: Element) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
    const past = Array.from(document.querySelectorAll("body *")).filter((el) => {
      if (el.getBoundingClientRect().right <= width + 0.5) return false;
      for (let node = el.parentElement; node; node = node.parentElement) if (scrolls(node)) return false;
      return true;
    });
    const innermost = past.filter((el) => !past.some((other) => other !== el && el.contains(other)));
    return [
      `page is ${document.documentElement.scrollWidth}px wide at ${width}px`,
      ...innermost.slice(0, 8).map((el) => `<${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""}> ends at ${Math.round(el.getBoundingClientRect().right)}px`),
    ];
  });
}
