import type { Knex } from "knex";
import { HttpError } from "../../http/http-error.js";
import type { InferredSkill, SkillEvidence } from "./score-skills.js";

export type UserSkillKind = "language" | "framework" | "topic" | "work_kind";

/** A skill as the feed and the settings page see it. */
export interface UserSkill {
  skill: string;
  kind: UserSkillKind;
  label: string;
  /** 0–1: inferred from repositories, or set by the user (source "manual") */
  level: number;
  source: "inferred" | "manual";
  /** the user's own 1–5 rating, when given */
  comfort: number | null;
  hidden: boolean;
  evidence: SkillEvidence[];
  updatedAt: string;
}

interface SkillRow {
  skill: string;
  kind: UserSkillKind;
  label: string | null;
  weight: number;
  source: "inferred" | "manual";
  comfort: number | null;
  hidden: boolean;
  evidence: SkillEvidence[];
  updated_at: Date;
}

const toUserSkill = (row: SkillRow): UserSkill => ({
  skill: row.skill,
  kind: row.kind,
  label: row.label ?? row.skill,
  level: Math.round(Number(row.weight) * 100) / 100,
  source: row.source,
  comfort: row.comfort,
  hidden: row.hidden,
  evidence: row.evidence,
  updatedAt: row.updated_at.toISOString(),
});

/** The user's skills, strongest first; hidden ones only when asked for. */
export async function listUserSkills(knex: Knex, userId: number, options: { includeHidden?: boolean } = {}): Promise<UserSkill[]> {
  const query = knex("user_skills").where({ user_id: userId }).orderBy([{ column: "weight", order: "desc" }, "skill"]);
  if (!options.includeHidden) query.where({ hidden: false });
  return ((await query.select("*")) as SkillRow[]).map(toUserSkill);
}

/**
 * Writes a fresh analysis: inferred skills are replaced; a skill the user set by hand keeps their
 * level but gets the new evidence; hidden skills stay hidden; inferred skills no longer found go.
 */
export async function saveInferredSkills(knex: Knex, userId: number, skills: InferredSkill[]): Promise<void> {
  if (skills.length > 0) {
    await knex.raw(
      `insert into user_skills (user_id, skill, kind, label, weight, evidence, source)
       select ?, s.skill, s.kind, s.label, s.level, s.evidence, 'inferred'
         from jsonb_to_recordset(?::jsonb) as s(skill text, kind text, label text, level real, evidence jsonb)
       on conflict (user_id, skill) do update set
         evidence = excluded.evidence,
         label = case when user_skills.source = 'manual' then coalesce(user_skills.label, excluded.label) else excluded.label end,
         kind = case when user_skills.source = 'manual' then user_skills.kind else excluded.kind end,
         weight = case when user_skills.source = 'manual' then user_skills.weight else excluded.weight end`,
      [userId, JSON.stringify(skills.map((s) => ({ ...s, evidence: s.evidence })))],
    );
  }
  await knex("user_skills")
    .where({ user_id: userId, source: "inferred", hidden: false })
    .whereNotIn("skill", skills.length > 0 ? skills.map((s) => s.skill) : [""])
    .delete();
}

export interface SkillEdit {
  level?: number;
  hidden?: boolean;
  comfort?: number | null;
}

/** The user's correction: a level they set is theirs from then on (source "manual"), never overwritten by the analysis. */
export async function editUserSkill(knex: Knex, userId: number, skill: string, edit: SkillEdit): Promise<UserSkill> {
  const changes: Record<string, unknown> = {};
  if (edit.level !== undefined) Object.assign(changes, { weight: edit.level, source: "manual" });
  if (edit.hidden !== undefined) changes.hidden = edit.hidden;
  if (edit.comfort !== undefined) changes.comfort = edit.comfort;
  const [row] = (await knex("user_skills").where({ user_id: userId, skill }).update(Object.keys(changes).length > 0 ? changes : { skill }).returning("*")) as SkillRow[];
  if (!row) throw new HttpError(404, "skill_not_found", `You have no skill named "${skill}"`);
  return toUserSkill(row);
}

/** A skill the analysis did not find; adding one that exists takes it over as manual and shows it again. */
export async function addUserSkill(
  knex: Knex,
  userId: number,
  input: { skill: string; kind: UserSkillKind; level: number; label?: string; comfort?: number | null },
): Promise<UserSkill> {
  const [row] = (await knex("user_skills")
    .insert({
      user_id: userId,
      skill: input.skill,
      kind: input.kind,
      label: input.label ?? null,
      weight: input.level,
      comfort: input.comfort ?? null,
      source: "manual",
      evidence: JSON.stringify([]),
    })
    .onConflict(["user_id", "skill"])
    .merge({ weight: input.level, source: "manual", hidden: false, ...(input.comfort !== undefined ? { comfort: input.comfort } : {}) })
    .returning("*")) as SkillRow[];
  return toUserSkill(row!);
}

/** A manual skill is deleted; an inferred one is hidden, so the next analysis does not bring it back. */
export async function removeUserSkill(knex: Knex, userId: number, skill: string): Promise<void> {
  const row: { source: string } | undefined = await knex("user_skills").where({ user_id: userId, skill }).first("source");
  if (!row) throw new HttpError(404, "skill_not_found", `You have no skill named "${skill}"`);
  if (row.source === "manual") await knex("user_skills").where({ user_id: userId, skill }).delete();
  else await knex("user_skills").where({ user_id: userId, skill }).update({ hidden: true });
}
