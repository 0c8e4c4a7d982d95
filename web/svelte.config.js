// @ts-check
import { createHash } from "node:crypto";
import adapter from "@sveltejs/adapter-node";

// SvelteKit's route announcer, which tells screen readers about client-side navigations, is hidden
// by a style attribute. Allowing exactly that attribute keeps `style-src` free of 'unsafe-inline'.
// If a SvelteKit release changes the string, app.css hides the announcer all the same.
const ANNOUNCER_STYLE =
  "position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px";
const announcerHash = createHash("sha256").update(ANNOUNCER_STYLE).digest("base64");

// Paths the Express server answers around the dashboard. Prerendered pages link to them, but they
// do not exist while SvelteKit builds; any other broken link still fails the build.
const SERVER_PATHS = ["/api/", "/auth/", "/install", "/setup"];

/** @type {import("@sveltejs/kit").Config} */
const config = {
  compilerOptions: {
    // Our components are written for runes; forcing it turns a stray legacy pattern into a compile error.
    runes: true,
  },
  vitePlugin: {
    // Third-party components may still use the legacy syntax, so they keep the compiler's own detection.
    dynamicCompileOptions: ({ filename }) => (filename.includes("node_modules") ? { runes: undefined } : undefined),
  },
  kit: {
    // The Express server imports web/build/handler.js and mounts it after its own routes.
    adapter: adapter({ out: "build" }),
    prerender: {
      handleHttpError: ({ path, referrer, message }) => {
        if (SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(prefix))) return;
        throw new Error(`${message}${referrer ? ` (linked from ${referrer})` : ""}`);
      },
    },
    csp: {
      // Nonces for server-rendered pages, hashes for anything prerendered.
      mode: "auto",
      directives: {
        "default-src": ["self"],
        "script-src": ["self"],
        "style-src": ["self"],
        "style-src-attr": ["unsafe-hashes", `sha256-${announcerHash}`],
        "img-src": ["self", "data:", "https://avatars.githubusercontent.com"],
        "font-src": ["self"],
        "connect-src": ["self"],
        "form-action": ["self"],
        "object-src": ["none"],
        "base-uri": ["none"],
        "frame-ancestors": ["none"],
      },
    },
  },
};

export default config;
