// The schedule form's choices of when a schedule runs (daily, weekly on some days, monthly
// on a day, or a cron expression of its own) written as the five-field cron expression the
// API takes, and read back from one. Pure, so the browser uses it too: no cron parser here;
// whether an expression holds is the server's question.

export type When =
  | { kind: "daily"; time: string }
  | { kind: "weekly"; time: string; days: number[] }
  | { kind: "monthly"; time: string; day: number }
  | { kind: "cron"; cron: string };

/** "HH:MM" (24 h) as its hour and minute; null when it is not a time of day. */
export function parseTime(time: string): { hour: number; minute: number } | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

function hourMinute(time: string): string {
  const parsed = parseTime(time);
  // The form refuses a missing time before it asks; anything else reaches the server as is.
  if (!parsed) return `? ?`;
  return `${parsed.minute} ${parsed.hour}`;
}

export function whenToCron(when: When): string {
  switch (when.kind) {
    case "daily":
      return `${hourMinute(when.time)} * * *`;
    case "weekly": {
      const days = [...new Set(when.days)].sort((a, b) => a - b).join(",");
      return `${hourMinute(when.time)} * * ${days}`;
    }
    case "monthly":
      return `${hourMinute(when.time)} ${when.day} * *`;
    case "cron":
      return when.cron.trim();
  }
}

const NUMBER = /^\d{1,2}$/;

function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** The simple shapes back as the form's choices; any other expression stays a cron. */
export function cronToWhen(cron: string): When {
  const trimmed = cron.trim();
  const fallback: When = { kind: "cron", cron: trimmed };
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) return fallback;
  const [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = ""] = fields;
  if (!NUMBER.test(minute) || !NUMBER.test(hour) || month !== "*") return fallback;
  const m = Number(minute);
  const h = Number(hour);
  if (m > 59 || h > 23) return fallback;
  const time = `${pad(h)}:${pad(m)}`;
  if (dayOfMonth === "*" && dayOfWeek === "*") return { kind: "daily", time };
  if (dayOfMonth === "*" && /^\d(,\d)*$/.test(dayOfWeek)) {
    const days = dayOfWeek.split(",").map(Number);
    // 7 is Sunday too in cron; the form knows 0..6 only, each day once, in order.
    const inOrder = days.every((d, i) => d <= 6 && (i === 0 || d > (days[i - 1] ?? -1)));
    return inOrder ? { kind: "weekly", time, days } : fallback;
  }
  if (NUMBER.test(dayOfMonth) && dayOfWeek === "*") {
    const day = Number(dayOfMonth);
    return day >= 1 && day <= 31 ? { kind: "monthly", time, day } : fallback;
  }
  return fallback;
}
