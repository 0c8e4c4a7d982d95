/** Turns the preferences form into the PATCH /api/users/me/preferences body. */
export function preferencesFromForm(form: FormData): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const list = (name: string) =>
    text(name)
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const hours = text("hoursPerWeek");
  const body: Record<string, unknown> = {
    goals: { learn: list("learn"), workKinds: form.getAll("workKinds").map(String) },
    hoursPerWeek: hours === "" ? null : Number(hours),
    languages: { include: list("languagesInclude"), exclude: list("languagesExclude") },
    domains: { include: list("domainsInclude"), exclude: list("domainsExclude") },
    notifications: { channels: { inApp: form.has("inApp"), email: form.has("email") }, digest: text("digest") || "off" },
  };
  if (text("comfortLevel")) body.comfortLevel = text("comfortLevel");
  if (text("timezone")) body.timezone = text("timezone");
  return body;
}
