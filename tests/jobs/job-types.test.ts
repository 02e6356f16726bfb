// The registry of background work: each job type under its own queue name, each schedule once.
import { describe, expect, it } from "vitest";
import { JOB_TYPES, jobTypes, schedules } from "@/lib/job-types";

describe("the job type registry", () => {
  it("names each job type by its queue, with a table of its own", () => {
    for (const [key, definition] of Object.entries(JOB_TYPES)) expect(definition.name).toBe(key);
    const tables = jobTypes().map((definition) => definition.table);
    expect(new Set(tables).size).toBe(tables.length);
  });

  it("keeps schedule names apart from job type names", () => {
    const names = [...jobTypes().map((d) => d.name), ...schedules(() => {}).map((s) => s.name)];
    expect(new Set(names).size).toBe(names.length);
  });
});
