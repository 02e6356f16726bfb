// A schedule's cron expression in words, as the list shows it: "Daily at 07:30", "Every
// Monday and Wednesday at 09:00", "Monthly on day 31 at 09:00", or the expression itself
// when it is none of the form's simple shapes.
import type { MessageKey, MessageParams } from "@/lib/i18n";
import { cronToWhen } from "@/lib/schedules/when";

type T = (key: MessageKey, params?: MessageParams) => string;

export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;

export function dayName(day: number, t: T): string {
  return t(`schedules.day.${day}` as MessageKey);
}

/** "Monday", "Monday and Wednesday", "Monday, Wednesday and Friday". */
export function joinWords(words: string[], t: T): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(t("schedules.list.comma"))}${t("schedules.list.and")}${words.at(-1)}`;
}

export function describeWhen(cron: string, t: T): string {
  const when = cronToWhen(cron);
  switch (when.kind) {
    case "daily":
      return t("schedules.when.daily", { time: when.time });
    case "weekly":
      return t("schedules.when.weekly", {
        days: joinWords(
          when.days.map((d) => dayName(d, t)),
          t,
        ),
        time: when.time,
      });
    case "monthly":
      return t("schedules.when.monthly", { day: when.day, time: when.time });
    case "cron":
      return t("schedules.when.cron", { cron: when.cron });
  }
}
