import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import { timestamp } from "../http/api-schemas.js";
import { apiRoutes } from "../http/api-spec.js";
import type { AuthMiddleware } from "./session/create-auth.js";
import { addUserSkill, editUserSkill, listUserSkills, removeUserSkill } from "./skills/user-skills-store.js";
import { getUser } from "./user-store.js";

const skillName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.+#][a-z0-9.+#_-]{0,39}$/, "expected a skill name such as typescript, c++ or data-science (at most 40 characters)");
const level = z.number().min(0).max(1);
const comfort = z.number().int().min(1).max(5).nullable();

const addSchema = z
  .object({ skill: skillName, kind: z.enum(["language", "framework", "topic", "work_kind"]), level, label: z.string().trim().min(1).max(60).optional(), comfort: comfort.optional() })
  .strict();
const editSchema = z.object({ level, hidden: z.boolean(), comfort }).partial().strict();

const userSkill = z.looseObject({
  skill: z.string(),
  kind: z.string(),
  label: z.string(),
  level: z.number(),
  source: z.enum(["inferred", "manual"]),
  comfort: z.number().nullable(),
  hidden: z.boolean(),
  evidence: z.array(z.looseObject({})),
  updatedAt: timestamp,
});

/** /api/users/me/skills: the skill profile with its evidence, and the user's corrections to it. */
export function createSkillsRoutes(options: { knex: Knex; auth: AuthMiddleware }): Router {
  const { knex, auth } = options;
  const router = Router();

  const route = apiRoutes(router, { user: auth.requireUser });
  const tags = ["users"];
  const skillParam = z.object({ skill: skillName });

  route(
    {
      method: "get",
      path: "/users/me/skills",
      summary: "The skill profile with its evidence, and the state of the profile analysis",
      tags,
      access: "user",
      query: z.object({ includeHidden: z.enum(["true", "false"]).optional() }),
      responses: { 200: { description: "skills", schema: z.looseObject({ skills: z.array(userSkill), analysis: z.looseObject({ status: z.string() }).nullable() }) } },
    },
    async (req, res, { query }) => {
      const includeHidden = query.includeHidden === "true";
      const user = await getUser(knex, req.user!.id);
      res.json({ skills: await listUserSkills(knex, req.user!.id, { includeHidden }), analysis: user?.profileAnalysis ?? null });
    },
  );

  route(
    { method: "post", path: "/users/me/skills", summary: "Add a skill by hand", tags, access: "user", body: addSchema, responses: { 201: { description: "the skill", schema: z.looseObject({ skill: userSkill }) } } },
    async (req, res, { body }) => {
      res.status(201).json({ skill: await addUserSkill(knex, req.user!.id, body) });
    },
  );

  route(
    {
      method: "patch",
      path: "/users/me/skills/:skill",
      summary: "Correct a skill's level, comfort or visibility",
      tags,
      access: "user",
      params: skillParam,
      body: editSchema,
      responses: { 200: { description: "the skill", schema: z.looseObject({ skill: userSkill }) } },
      errors: { 404: "the user has no such skill" },
    },
    async (req, res, { params, body }) => {
      res.json({ skill: await editUserSkill(knex, req.user!.id, params.skill, body) });
    },
  );

  route(
    { method: "delete", path: "/users/me/skills/:skill", summary: "Remove a skill", tags, access: "user", params: skillParam, responses: { 204: { description: "removed" } } },
    async (req, res, { params }) => {
      await removeUserSkill(knex, req.user!.id, params.skill);
      res.status(204).end();
    },
  );

  return router;
}
