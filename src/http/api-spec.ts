import type { Express, Request, RequestHandler, Response, Router } from "express";
import { z } from "zod";
import { HttpError } from "./http-error.js";
import { eachRoute } from "./list-routes.js";
import { ROUTE_TEMPLATE } from "./metrics.js";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * Who may call a route. It picks the guard that runs before validation and is what the OpenAPI
 * document states as the route's security, so the two cannot disagree.
 * - `public`: anyone; `optional`: anyone, signed-in users get more; `user`: a signed-in session;
 * - `admin`: `Authorization: Bearer <ADMIN_TOKEN>`.
 */
export type RouteAccess = "public" | "optional" | "user" | "admin";

export interface ResponseSpec {
  description: string;
  /** the JSON body's schema; absent for an empty answer (204, 304) */
  schema?: z.ZodType;
  /** for answers that are not JSON: `image/svg+xml`, `text/csv`, … */
  contentType?: string;
}

export interface RouteSpec<P, Q, B> {
  method: HttpMethod;
  /** the path in Express syntax, relative to where the router is mounted: `/issues/:id` */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  access: RouteAccess;
  /** schemas of what the handler receives; a query or body not declared must be absent */
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** query keys the query schema does not list are refused, unless the route reads free-form options */
  freeFormQuery?: boolean;
  /** successful answers by status */
  responses: Record<number, ResponseSpec>;
  /** error answers the handler itself gives, by status: the reason; all share the error shape */
  errors?: Record<number, string>;
  /** middleware that runs after the access guard and before validation (a form parser, a rate limiter) */
  before?: RequestHandler[];
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

export type RouteHandler<P, Q, B> = (req: Request, res: Response, input: RouteInput<P, Q, B>) => unknown;

export interface Guards {
  user?: RequestHandler;
  optional?: RequestHandler;
  admin?: RequestHandler;
}

/** What the registry knows of one route: the spec as declared. */
export type AnyRouteSpec = RouteSpec<unknown, unknown, unknown>;

export interface DescribedRoute {
  method: string;
  /** full path in Express syntax */
  path: string;
  spec: AnyRouteSpec;
}

// The spec travels with the handler Express holds, so walking the app finds exactly what was
// registered: a route cannot be documented without being served, or served without being validated.
const specs = new WeakMap<object, AnyRouteSpec>();

const isEmpty = (value: unknown) =>
  value === undefined || value === null || (typeof value === "object" && Object.keys(value as object).length === 0);

function unknownKeys(schema: z.ZodType | undefined, value: unknown): string[] {
  if (!value || typeof value !== "object") return [];
  const keys = Object.keys(value as object);
  if (!schema) return keys;
  if (!(schema instanceof z.ZodObject)) return [];
  const known = new Set(Object.keys(schema.shape as object));
  return keys.filter((key) => !known.has(key));
}

function refuseUnknown(where: "query" | "body", keys: string[]): HttpError {
  const list = keys.slice(0, 5).join(", ");
  return new HttpError(400, "invalid_request", `${where}: unknown ${keys.length === 1 ? "field" : "fields"} ${list}`);
}

/**
 * Declares routes on a router: each `route()` call validates params, query and body with the
 * given zod schemas before the handler runs, and records the schemas and the documented responses
 * for the OpenAPI document. A ZodError becomes `400 invalid_request` in the one error shape.
 */
export function apiRoutes(router: Router, guards: Guards = {}) {
  return function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
    spec: RouteSpec<P, Q, B>,
    handler: RouteHandler<P, Q, B>,
  ): void {
    const guard = spec.access === "public" ? undefined : guards[spec.access];
    if (spec.access !== "public" && !guard) throw new Error(`${spec.method.toUpperCase()} ${spec.path}: no guard for access "${spec.access}"`);

    const validated: RequestHandler = async (req, res) => {
      if (!spec.freeFormQuery) {
        const extra = unknownKeys(spec.query, req.query);
        if (extra.length > 0) throw refuseUnknown("query", extra);
      }
      if (!spec.body && !isEmpty(req.body)) throw new HttpError(400, "invalid_request", "body: this endpoint takes no request body");
      const input = {
        params: spec.params ? spec.params.parse(req.params) : (req.params as P),
        query: spec.query ? spec.query.parse(req.query) : ({} as Q),
        body: spec.body ? spec.body.parse(req.body ?? {}) : (undefined as B),
      };
      await handler(req, res, input);
    };
    // Recorded first, before a guard can refuse, so even a 401 is timed under its route template.
    const mark: RequestHandler = (req, res, next) => {
      (res.locals as Record<string, unknown>)[ROUTE_TEMPLATE] = `${req.baseUrl}${spec.path}`;
      next();
    };
    specs.set(validated, spec as AnyRouteSpec);
    router[spec.method](spec.path, mark, ...(guard ? [guard] : []), ...(spec.before ?? []), validated);
  };
}

/** Every route registered on the app, with the spec declared for it, or none (undescribed). */
export function listApiRoutes(app: Express): { method: string; path: string; spec: AnyRouteSpec | null }[] {
  const routes: { method: string; path: string; spec: AnyRouteSpec | null }[] = [];
  eachRoute(app, (method, path, handlers) => {
    const spec = handlers.map((h) => specs.get(h)).find((s) => s !== undefined) ?? null;
    routes.push({ method, path, spec });
  });
  return routes;
}

/** Only the described routes. */
export function listDescribedRoutes(app: Express): DescribedRoute[] {
  return listApiRoutes(app).flatMap((r) => (r.spec ? [{ method: r.method, path: r.path, spec: r.spec }] : []));
}
