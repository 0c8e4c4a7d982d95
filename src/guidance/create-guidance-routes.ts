import { Router, type RequestHandler, type Response } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { apiRoutes } from "../http/api-spec.js";
import { HttpError, notFound } from "../http/http-error.js";
import { tooManyRequests } from "../http/rate-limits.js";
import type { GuidanceRateLimiters } from "./create-rate-limiters.js";
import type { RepositoryAccess } from "./create-repository-access.js";
import { SECTION_KEYS } from "./deep-dive-sections.js";
import type { DeepDiveService, DeepDiveView } from "./deep-dive-service.js";
import { getDeepDive } from "./deep-dive-store.js";
import type { IssueSource } from "./issue-source.js";
import { getReportRepository, listRepositoryReports, REPORT_REASONS, resolveReport, upsertReport } from "./report-store.js";

export interface GuidanceRoutesDeps {
  knex: Knex;
  service: DeepDiveService;
  issues: IssueSource;
  access: RepositoryAccess;
  limiters: GuidanceRateLimiters;
  auth: { requireUser: RequestHandler; optionalUser: RequestHandler };
}

const id = z.coerce.number({ message: "expected a number" }).int().positive().max(Number.MAX_SAFE_INTEGER);
const issueParams = z.object({ id });
const repoParams = z.object({
  owner: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "not a GitHub owner name"),
  repo: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "not a GitHub repository name"),
});
const numberParams = repoParams.extend({ number: id });
const reportBody = z
  .object({
    deepDiveId: id,
    section: z.enum(["all", ...SECTION_KEYS]).default("all"),
    reason: z.enum(REPORT_REASONS).default("inaccurate"),
    comment: z.string().trim().max(1_000, "keep the comment under 1000 characters").optional(),
  })
  .strict();

const reportsQuery = z.object({ resolved: z.enum(["true", "false"]).default("false") });

const deepDiveViewSchema = z.looseObject({
  issue: z.looseObject({ id: z.number(), number: z.number(), title: z.string(), repository: z.string(), url: z.string(), state: z.enum(["open", "closed"]) }),
  status: z.string(),
  stale: z.boolean(),
  deepDive: z
    .looseObject({
      id: z.number(),
      generatedAt: z.string(),
      generator: z.looseObject({ kind: z.enum(["ai", "offline"]), model: z.string().nullable(), label: z.string() }),
      sections: z.array(z.looseObject({ key: z.enum(SECTION_KEYS), title: z.string(), summary: z.string(), items: z.array(z.unknown()) })),
      sources: z.array(z.looseObject({ kind: z.string(), label: z.string(), url: z.string() })),
    })
    .nullable(),
  error: z.string().nullable(),
  pollAfterMs: z.number().nullable(),
});

function send(res: Response, view: DeepDiveView): void {
  // 202 while there is nothing to show yet; a stale or refreshing deep dive is already useful.
  if (!view.deepDive && view.status === "pending") res.setHeader("Retry-After", "2");
  res.status(!view.deepDive && view.status === "pending" ? 202 : 200).json(view);
}

export function createGuidanceRoutes(deps: GuidanceRoutesDeps): Router {
  const { knex, service, issues, access, limiters, auth } = deps;
  const router = Router();

  async function readableIssue(issueId: number, login: string | undefined) {
    const issue = await issues.getIssueHeader(issueId);
    // A private repository's issue does not exist for those who cannot read it.
    if (!issue || !(await access.canRead(issue.repository, login))) throw notFound("No indexed issue with this id", "issue_not_found");
    return issue;
  }

  async function view(issueId: number, user: { id: number; login: string } | undefined, res: Response) {
    // Generation costs a model call: a signed-in reader has a quota of first generations. Anonymous
    // readers set off at most one per issue version, whoever asks, and that bounds their cost.
    const beforeGenerate = user
      ? async () => {
          const waitMs = await limiters.generate(user.id);
          if (waitMs > 0) throw tooManyRequests(res, waitMs, "new deep dives for your account");
        }
      : undefined;
    const result = await service.getView(await readableIssue(issueId, user?.login), { beforeGenerate });
    if (!result) throw notFound("No indexed issue with this id", "issue_not_found");
    send(res, result);
  }

  const route = apiRoutes(router, { user: auth.requireUser, optional: auth.optionalUser });
  const tags = ["deep dives"];
  const viewResponses = {
    200: { description: "the deep dive (possibly stale or refreshing)", schema: deepDiveViewSchema },
    202: { description: "nothing to show yet: poll again after Retry-After", schema: deepDiveViewSchema },
  };

  route(
    { method: "get", path: "/issues/:id/deep-dive", summary: "The deep dive of an indexed issue; starts generating it when missing", tags, access: "optional", params: issueParams, responses: viewResponses, errors: { 404: "no readable indexed issue" } },
    async (req, res, { params }) => {
      await view(params.id, req.user, res);
    },
  );

  route(
    {
      method: "get",
      path: "/repos/:owner/:repo/issues/:number/deep-dive",
      summary: "The deep dive of an issue by repository and number",
      tags,
      access: "optional",
      params: numberParams,
      responses: viewResponses,
      errors: { 404: "the issue is not indexed" },
    },
    async (req, res, { params }) => {
      const { owner, repo, number } = params;
      const issueId = await issues.findIssueId(owner, repo, number);
      if (issueId === null) throw notFound(`Illuminate does not index ${owner}/${repo}#${number}`, "issue_not_found");
      await view(issueId, req.user, res);
    },
  );

  route(
    {
      method: "post",
      path: "/issues/:id/deep-dive/regenerate",
      summary: "Generate the deep dive again (rate limited per user)",
      tags,
      access: "user",
      params: issueParams,
      responses: { 202: { description: "generation started", schema: deepDiveViewSchema } },
      errors: { 404: "no readable indexed issue", 429: "too many regenerations: see Retry-After" },
    },
    async (req, res, { params }) => {
      const { id: issueId } = params;
      const issue = await readableIssue(issueId, req.user!.login);
      const waitMs = await limiters.regenerate(req.user!.id);
      if (waitMs > 0) throw tooManyRequests(res, waitMs, "regenerations of deep dives");
      const result = await service.regenerate(issue);
      if (!result) throw notFound("No indexed issue with this id", "issue_not_found");
      res.status(202).json(result);
    },
  );

  route(
    {
      method: "post",
      path: "/issues/:id/deep-dive/report",
      summary: "Report a deep dive, or one of its sections, as wrong or unhelpful",
      tags,
      access: "user",
      params: issueParams,
      body: reportBody,
      responses: {
        201: {
          description: "the report (one per user and deep dive; reporting again replaces it)",
          schema: z.looseObject({ report: z.looseObject({ id: z.number(), deepDiveId: z.number(), section: z.string(), reason: z.string() }) }),
        },
      },
      errors: { 404: "no such issue or deep dive" },
    },
    async (req, res, { params, body }) => {
      const { id: issueId } = params;
      const issue = await readableIssue(issueId, req.user!.login);
      const deepDive = await getDeepDive(knex, body.deepDiveId);
      if (!deepDive || deepDive.issueId !== issueId || !deepDive.sections) {
        throw new HttpError(404, "deep_dive_not_found", "That deep dive does not exist for this issue (it may have been replaced: reload the page)");
      }
      const reportId = await upsertReport(knex, {
        deepDiveId: deepDive.id,
        userId: req.user!.id,
        repositoryId: issue.repository.id,
        issueNumber: issue.number,
        section: body.section,
        reason: body.reason,
        comment: body.comment || null,
        snapshot: body.section === "all" ? null : deepDive.sections[body.section],
      });
      res.status(201).json({ report: { id: reportId, deepDiveId: deepDive.id, section: body.section, reason: body.reason } });
    },
  );

  route(
    {
      method: "get",
      path: "/repos/:owner/:repo/deep-dive-reports",
      summary: "Reports on a repository's deep dives, for its maintainers",
      tags,
      access: "user",
      params: repoParams,
      query: reportsQuery,
      responses: { 200: { description: "the reports", schema: z.looseObject({ repository: z.string(), reports: z.array(z.looseObject({ id: z.number() })) }) } },
      errors: { 403: "the user cannot push to the repository", 404: "the repository is not indexed" },
    },
    async (req, res, { params, query }) => {
      const { owner, repo } = params;
      const includeResolved = query.resolved === "true";
      const repository = await issues.findRepository(owner, repo);
      if (!repository) throw notFound(`Illuminate does not index ${owner}/${repo}`, "repository_not_found");
      if (!(await access.isMaintainer(repository, req.user!.login))) {
        throw new HttpError(403, "not_a_maintainer", `Only people who can push to ${repository.fullName} see its reports`);
      }
      res.json({ repository: repository.fullName, reports: await listRepositoryReports(knex, repository.id, { includeResolved, limit: 200 }) });
    },
  );

  route(
    {
      method: "post",
      path: "/deep-dive-reports/:id/resolve",
      summary: "Mark a report resolved",
      tags,
      access: "user",
      params: issueParams,
      responses: { 204: { description: "resolved" } },
      errors: { 403: "the user cannot push to the repository", 404: "no such report" },
    },
    async (req, res, { params }) => {
      const { id: reportId } = params;
      const repositoryId = await getReportRepository(knex, reportId);
      const repository = repositoryId === null ? null : await issues.getRepository(repositoryId);
      if (!repository) throw notFound("No such report", "report_not_found");
      if (!(await access.isMaintainer(repository, req.user!.login))) {
        throw new HttpError(403, "not_a_maintainer", `Only people who can push to ${repository.fullName} resolve its reports`);
      }
      await resolveReport(knex, reportId);
      res.status(204).end();
    },
  );

  return router;
}
