#!/usr/bin/env node
// @ts-check
// Reports how much JavaScript the prerendered landing page makes a browser download, read from the
// build output, against a budget; exits non-zero when the page is over it or was not prerendered.
//
//   npm run size:landing                        the landing page (/) of web/build, 100 KB budget
//   node scripts/landing-size.mjs --page /status/ --budget 50 --build-dir web/build
//
// It counts inline scripts, every script the HTML loads or preloads, the modules the inline boot
// script imports, and every module those import statically, each file once. Dynamic imports inside
// modules are not followed: in a SvelteKit build they load other routes' code on navigation, and
// the current route's own code is preloaded by the HTML, so it is counted already. Data blocks
// (`<script type="application/json">`) are not code and are left out.
//
// The budget applies to the gzip size, which is what crosses the network (as in Lighthouse's
// budgets); the uncompressed size is printed too.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    page: { type: "string", default: "/" },
    budget: { type: "string", default: "100" },
    "build-dir": { type: "string", default: path.join(root, "web", "build") },
  },
});

const page = values.page ?? "/";
const budgetKb = Number(values.budget);
const buildDir = path.resolve(values["build-dir"] ?? "web/build");
if (!Number.isFinite(budgetKb) || budgetKb <= 0) fail(`--budget must be a positive number of kilobytes, got "${values.budget}"`);
if (!page.startsWith("/")) fail(`--page must be a path starting with "/", got "${page}"`);

const htmlFile = prerenderedFile(buildDir, page);
if (!existsSync(htmlFile)) {
  fail(`${path.relative(root, htmlFile)} does not exist: ${page} is not prerendered in this build. Run \`npm run build\`, and check the page exports \`prerender = true\`.`);
}

const html = readFileSync(htmlFile, "utf8");
const pageUrl = new URL(page, "http://build.invalid");
const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, attributes = ""]) => {
  const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]?.toLowerCase();
  return !/\bsrc\s*=/i.test(attributes) && (type === undefined || ["module", "text/javascript", "application/javascript"].includes(type));
});
const inlineCode = inline.map(([, , code]) => code ?? "").join("\n");

/** @type {Set<string>} paths under the client folder, as URL paths */
const modules = new Set();
const queue = [
  ...attributeValues(html, "script", "src"),
  ...[...html.matchAll(/<link\b[^>]*>/gi)].filter(([tag]) => /\brel\s*=\s*["']?modulepreload\b/i.test(tag)).flatMap(([tag]) => attributeValues(tag, "link", "href")),
  ...importSpecifiers(inlineCode, { dynamic: true }),
].flatMap((reference) => toLocalPath(reference, pageUrl));

while (queue.length > 0) {
  const urlPath = /** @type {string} */ (queue.shift());
  if (modules.has(urlPath)) continue;
  const file = path.join(buildDir, "client", urlPath);
  if (!existsSync(file)) fail(`${page} references ${urlPath}, which is not in ${path.relative(root, path.join(buildDir, "client"))}`);
  modules.add(urlPath);
  const code = readFileSync(file, "utf8");
  queue.push(...importSpecifiers(code, { dynamic: false }).flatMap((specifier) => toLocalPath(specifier, new URL(urlPath, pageUrl))));
}

const rows = [...modules].sort().map((urlPath) => {
  const content = readFileSync(path.join(buildDir, "client", urlPath));
  return { name: urlPath, raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
});
if (inlineCode.trim()) {
  const content = Buffer.from(inlineCode);
  rows.push({ name: `(${inline.length} inline script${inline.length === 1 ? "" : "s"})`, raw: content.length, gzip: gzipSync(content, { level: 9 }).length });
}

const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), { raw: 0, gzip: 0 });
const budgetBytes = budgetKb * 1024;
const within = total.gzip <= budgetBytes;

console.log(`JavaScript on ${page} (${path.relative(root, htmlFile)}):`);
for (const row of rows) console.log(`  ${row.name}  ${formatBytes(row.raw)} (${formatBytes(row.gzip)} gzip)`);
if (rows.length === 0) console.log("  none: the page loads no script");
console.log(
  `total ${formatBytes(total.raw)} (${formatBytes(total.gzip)} gzip) in ${rows.length} script${rows.length === 1 ? "" : "s"}; ` +
    `budget ${budgetKb} KB gzip: ${within ? "within budget" : `OVER BUDGET by ${formatBytes(total.gzip - budgetBytes)}`}`,
);
process.exit(within ? 0 : 1);

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`size:landing: ${message}`);
  process.exit(1);
}

/**
 * adapter-node writes `/` as index.html, `/a` as a.html and `/a/` as a/index.html.
 * @param {string} dir @param {string} urlPath
 */
function prerenderedFile(dir, urlPath) {
  const base = path.join(dir, "prerendered");
  if (urlPath.endsWith("/")) return path.join(base, urlPath, "index.html");
  return path.join(base, `${urlPath}.html`);
}

/** @param {string} markup @param {string} tag @param {string} attribute */
function attributeValues(markup, tag, attribute) {
  const tags = markup.match(new RegExp(`<${tag}\\b[^>]*>`, "gi")) ?? [];
  const pattern = new RegExp(`\\b${attribute}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i");
  return tags.flatMap((found) => {
    const match = pattern.exec(found);
    const value = match?.[1] ?? match?.[2] ?? match?.[3];
    return value ? [value] : [];
  });
}

/**
 * Module specifiers of static imports and re-exports, and optionally of dynamic imports of a
 * literal string (quoted or a template literal without substitutions).
 * @param {string} code @param {{ dynamic: boolean }} options
 */
function importSpecifiers(code, options) {
  const patterns = [
    /\bimport\s*(?:[\w*${}\s,]+?\s*from\s*)?["']([^"']+)["']/g,
    /\bexport\s*(?:\*|\{[^}]*\})\s*from\s*["']([^"']+)["']/g,
    ...(options.dynamic ? [/\bimport\s*\(\s*(?:"([^"]+)"|'([^']+)'|`([^`$]+)`)\s*\)/g] : []),
  ];
  return patterns.flatMap((pattern) =>
    [...code.matchAll(pattern)].map((match) => /** @type {string} */ (match[1] ?? match[2] ?? match[3])),
  );
}

/**
 * The URL path of a same-origin reference; bare and remote specifiers are not ours to count.
 * @param {string} reference @param {URL} base
 */
function toLocalPath(reference, base) {
  if (!/^(\.{1,2}\/|\/(?!\/))/.test(reference)) return [];
  return [decodeURIComponent(new URL(reference, base).pathname)];
}

/** @param {number} bytes */
function formatBytes(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}
