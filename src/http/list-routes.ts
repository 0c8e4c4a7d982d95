import type { Express } from "express";

export interface RegisteredRoute {
  /** upper-case HTTP method: GET, POST, ... */
  method: string;
  /** the full path in Express syntax, mount prefixes included: `/api/issues/:id` */
  path: string;
}

/** The parts of Express 5's router internals this walk reads; they are not in Express's types. */
interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined>; stack?: { handle?: unknown; method?: string }[] };
  handle?: { stack?: RouterLayer[] };
}

/**
 * Every route registered on the app, with its full path: walks the router stack, following
 * routers mounted with `use()` (with or without a prefix). Middleware that is not a route, such
 * as the webhook receiver or the dashboard handler, is not listed. Order is registration order;
 * a route registered twice appears once.
 */
export function listRoutes(app: Express): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  eachRoute(app, (method, path) => routes.push({ method, path }));
  return routes;
}

/** Visits each registered route once with the handlers Express runs for it (guards included). */
export function eachRoute(app: Express, visit: (method: string, path: string, handlers: object[]) => void): void {
  const seen = new Set<string>();
  const stack = (app as unknown as { router?: { stack?: RouterLayer[] } }).router?.stack ?? [];
  walk(stack, "", (method, path, handlers) => {
    const key = `${method} ${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    visit(method, path, handlers);
  });
}

type Visit = (method: string, path: string, handlers: object[]) => void;

function walk(stack: RouterLayer[], prefix: string, add: Visit): void {
  for (const layer of stack) {
    if (layer.route) {
      for (const path of pathsOf(layer.route.path)) {
        for (const [method, enabled] of Object.entries(layer.route.methods)) {
          if (!enabled || method === "_all") continue;
          const handlers = (layer.route.stack ?? [])
            .filter((l) => l.method === undefined || l.method === method)
            .flatMap((l) => (typeof l.handle === "function" ? [l.handle as object] : []));
          add(method.toUpperCase(), join(prefix, path), handlers);
        }
      }
      continue;
    }
    const nested = layer.handle?.stack;
    if (!Array.isArray(nested)) continue;
    const mounts = pathsOf(layer.rawPath);
    for (const mount of mounts.length > 0 ? mounts : ["/"]) walk(nested, join(prefix, mount), add);
  }
}

/** String paths only: a route registered with a regular expression has no template to list. */
function pathsOf(path: unknown): string[] {
  if (typeof path === "string") return [path];
  if (Array.isArray(path)) return path.flat(Infinity).filter((p): p is string => typeof p === "string");
  return [];
}

function join(prefix: string, path: string): string {
  const left = prefix.replace(/\/+$/, "");
  const right = path === "/" ? "" : path.startsWith("/") ? path : `/${path}`;
  const joined = `${left}${right}`;
  return joined === "" ? "/" : joined;
}
