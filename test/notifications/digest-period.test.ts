import { describe, expect, it } from "vitest";
import { duePeriod, localTime } from "../../src/notifications/digest-period.js";

const settings = { timezone: "America/New_York", digestHour: 8, weeklyDay: 1 };

describe("digest periods in the user's time zone", () => {
  it("reads the local date, hour, weekday and ISO week", () => {
    expect(localTime(new Date("2026-11-30T12:30:00Z"), "America/New_York")).toEqual({ date: "2026-11-30", hour: 7, weekday: 1, week: "2026-W49" });
    expect(localTime(new Date("2027-01-01T03:00:00Z"), "Asia/Tokyo")).toEqual({ date: "2027-01-01", hour: 12, weekday: 5, week: "2026-W53" });
    expect(localTime(new Date("2026-03-08T07:30:00Z"), "America/New_York").hour).toBe(3); // after the spring-forward jump
  });

  it("makes a daily digest due from the local hour, once per local day", () => {
    expect(duePeriod("daily", new Date("2026-11-30T12:59:00Z"), settings)).toBeNull(); // 07:59 in New York
    expect(duePeriod("daily", new Date("2026-11-30T13:00:00Z"), settings)).toBe("daily:2026-11-30");
    expect(duePeriod("daily", new Date("2026-12-01T04:00:00Z"), settings)).toBe("daily:2026-11-30"); // 23:00 the same local day
  });

  it("makes a weekly digest due from the chosen weekday and hour until the week ends", () => {
    expect(duePeriod("weekly", new Date("2026-11-29T20:00:00Z"), settings)).toBe("weekly:2026-W48"); // Sunday: the end of W48
    expect(duePeriod("weekly", new Date("2026-11-30T12:00:00Z"), settings)).toBeNull(); // Monday 07:00
    expect(duePeriod("weekly", new Date("2026-11-30T13:00:00Z"), settings)).toBe("weekly:2026-W49");
    expect(duePeriod("weekly", new Date("2026-12-04T13:00:00Z"), settings)).toBe("weekly:2026-W49");
    expect(duePeriod("weekly", new Date("2026-12-04T13:00:00Z"), { ...settings, weeklyDay: 6 })).toBeNull(); // Saturday digests wait for Saturday
  });
});
