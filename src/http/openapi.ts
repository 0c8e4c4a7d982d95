import { Router, type Express } from "express";
import { z } from "zod";
import { apiRoutes, listDescribedRoutes, type AnyRouteSpec } from "./api-spec.js";

export interface OpenApiOptions {
  title?: string;
  version: string;
  /** where the API is served; the document's one server */
  publicUrl: string;
  /** the session cookie's name, as the browser sends it */
  sessionCookie: string;
}

type JsonSchema = Record<string, unknown>;

const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "stable, machine-readable: invalid_request, not_found, unauthenticated, …" },
        message: { type: "string", description: "for people: what went wrong and what to do" },
        details: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
};

/** The error answers every route may give besides its own, by what the route takes and who may call it. */
export function commonErrors(spec: AnyRouteSpec): Record<number, string> {
  const errors: Record<number, string> = { 400: "invalid params, query or body (`invalid_request`)" };
  if (spec.access === "user") errors[401] = "not signed in, or the session expired";
  if (spec.access === "user" && spec.method !== "get") errors[403] = "the CSRF check failed";
  if (spec.access === "admin") {
    errors[401] = "missing or wrong admin token";
    errors[403] = "admin endpoints are disabled (no ADMIN_TOKEN in production)";
  }
  if (spec.body) {
    errors[413] = "the body is too large";
    errors[415] = "the body is not application/json";
  }
  return errors;
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  delete converted.$schema;
  return converted;
}

/** `/api/issues/:id` → `/api/issues/{id}` */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

const pathParams = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

function parameters(path: string, spec: AnyRouteSpec): JsonSchema[] {
  const params = spec.params ? jsonSchema(spec.params, "input") : null;
  const paramProps = (params?.properties ?? {}) as Record<string, JsonSchema>;
  const list: JsonSchema[] = pathParams(path).map((name) => ({ name, in: "path", required: true, schema: paramProps[name] ?? { type: "string" } }));
  if (spec.query) {
    const query = jsonSchema(spec.query, "input");
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonSchema>)) {
      list.push({ name, in: "query", required: required.has(name), schema });
    }
    if (!query.properties && query.additionalProperties !== undefined) {
      list.push({ name: "options", in: "query", required: false, style: "form", explode: true, schema: { type: "object", additionalProperties: true } });
    }
  }
  return list;
}

function security(spec: AnyRouteSpec): JsonSchema[] {
  switch (spec.access) {
    case "user":
      return [{ session: [] }];
    case "optional":
      return [{}, { session: [] }];
    case "admin":
      return [{ adminToken: [] }];
    default:
      return [];
  }
}

function operation(path: string, spec: AnyRouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const type = response.contentType ?? "application/json";
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: { [type]: { schema: jsonSchema(response.schema, "output") } } } : response.contentType ? { content: { [type]: {} } } : {}),
    };
  }
  for (const [status, description] of Object.entries({ ...commonErrors(spec), ...spec.errors })) {
    responses[status] ??= { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  }
  const op: JsonSchema = {
    operationId: `${spec.method}${toOpenApiPath(path).replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    security: security(spec),
    parameters: parameters(path, spec),
    responses,
  };
  if (spec.body) op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } };
  return op;
}

/** The OpenAPI 3.1 description of every route declared with `apiRoutes`, as the app serves them. */
export function buildOpenApiDocument(app: Express, options: OpenApiOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { method, path, spec } of listDescribedRoutes(app)) {
    const key = toOpenApiPath(path);
    paths[key] ??= {};
    paths[key][method.toLowerCase()] = operation(path, spec);
  }
  const tags = [...new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags as string[])))].sort();
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: options.title ?? "Illuminate API",
      version: options.version,
      description: "The JSON API behind the Illuminate dashboard. Every error answers `{ error: { code, message } }`.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: options.publicUrl }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: options.sessionCookie, description: "set by signing in with GitHub at /auth/github" },
        adminToken: { type: "http", scheme: "bearer", description: "the ADMIN_TOKEN of the deployment" },
      },
    },
  };
}

/** `GET /api/openapi.json`: built on first request from the app that serves it, then kept. */
export function createOpenApiRoutes(options: OpenApiOptions): Router {
  const router = Router();
  let document: JsonSchema | undefined;
  apiRoutes(router)(
    {
      method: "get",
      path: "/openapi.json",
      summary: "This description of the API (OpenAPI 3.1)",
      tags: ["meta"],
      access: "public",
      responses: { 200: { description: "the OpenAPI document", schema: z.looseObject({ openapi: z.string(), info: z.looseObject({ version: z.string() }), paths: z.record(z.string(), z.unknown()) }) } },
    },
    (req, res) => {
      document ??= buildOpenApiDocument(req.app as Express, options);
      res.json(document);
    },
  );
  return router;
}
