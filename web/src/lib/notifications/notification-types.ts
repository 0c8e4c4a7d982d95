import { isRecord } from "$lib/api-types";

export const EMAIL_MODES = [
  { value: "off", label: "No email" },
  { value: "realtime", label: "Right away" },
  { value: "daily", label: "Daily digest" },
  { value: "weekly", label: "Weekly digest" },
] as const;

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export interface NotificationItem {
  id: number;
  kind: string;
  title: string;
  body: string | null;
  url: string | null;
  read: boolean;
  createdAt: string;
}

export interface NotificationPage {
  items: NotificationItem[];
  nextCursor: string | null;
  unreadCount: number;
}

export interface KindSetting {
  inApp: boolean;
  email: "off" | "realtime" | "daily" | "weekly";
}

export interface NotificationPreferences {
  settings: {
    kinds: Record<string, KindSetting>;
    matchThreshold: number;
    digestHour: number;
    weeklyDay: number;
    timezone: string;
    timezoneFromProfile: boolean;
  };
  kinds: Array<{ kind: string; label: string }>;
  emailEnabled: boolean;
}

export function isNotificationPage(value: unknown): value is NotificationPage {
  return isRecord(value) && Array.isArray(value.items) && typeof value.unreadCount === "number";
}

export function isNotificationPreferences(value: unknown): value is NotificationPreferences {
  return isRecord(value) && isRecord(value.settings) && Array.isArray(value.kinds) && typeof value.emailEnabled === "boolean";
}
