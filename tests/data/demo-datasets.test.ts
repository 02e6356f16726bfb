import { describe, expect, it } from "vitest";
import { DEMO_DATASETS, DEMO_USERS, demoRows, FORMULA_PROBES } from "@/lib/data/seed/demo-datasets";

const EXPECTED = {
  "Q1 Sales": ["manager@outport.local", 3500],
  "Student Enrollment 2024": ["manager@outport.local", 8500],
  "Course Evaluations": ["manager@outport.local", 1200],
  "All Students 2024-2025": ["admin@outport.local", 75000],
  "Evaluation Results": ["admin@outport.local", 10000],
  "Agent Interactions (confidential)": ["admin@outport.local", 2000],
} as const;

function allRows(title: string) {
  const dataset = DEMO_DATASETS.find((d) => d.title === title);
  if (!dataset) throw new Error(`no dataset ${title}`);
  return { dataset, rows: [...demoRows(dataset, 5000)].flat() };
}

describe("demo data", () => {
  it("has the four users, manager2 owning nothing", () => {
    expect(DEMO_USERS.map((u) => [u.email, u.role])).toEqual([
      ["admin@outport.local", "admin"],
      ["manager@outport.local", "manager"],
      ["manager2@outport.local", "manager"],
      ["viewer@outport.local", "viewer"],
    ]);
    expect(DEMO_DATASETS.some((d) => d.ownerEmail === "manager2@outport.local")).toBe(false);
  });

  it("has the six datasets with their owners and row counts", () => {
    expect(Object.fromEntries(DEMO_DATASETS.map((d) => [d.title, [d.ownerEmail, d.rows]]))).toEqual(EXPECTED);
  });

  it("is deterministic", () => {
    const dataset = DEMO_DATASETS[0]!;
    expect([...demoRows(dataset, 1000)].flat()).toEqual([...demoRows(dataset, 700)].flat());
  });

  it.each(Object.keys(EXPECTED))("%s: rows match the columns, with probes, negatives and Unicode", (title) => {
    const { dataset, rows } = allRows(title);
    expect(rows).toHaveLength(dataset.rows);
    const keys = dataset.columns.map((c) => c.key);
    for (const row of rows.slice(0, 200)) expect(Object.keys(row).sort()).toEqual([...keys].sort());

    const texts = rows.flatMap((row) => Object.values(row).filter((v): v is string => typeof v === "string"));
    for (const prefix of ["=", "+", "-", "@"])
      expect(
        texts.some((t) => t.startsWith(prefix)),
        `prefix ${prefix}`,
      ).toBe(true);
    const numbers = rows.flatMap((row) => Object.values(row).filter((v): v is number => typeof v === "number"));
    expect(numbers.some((n) => n < 0)).toBe(true);
    expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);

    for (const column of dataset.columns) {
      const values = rows.map((row) => row[column.key]).filter((v) => v !== null);
      const expectedType = {
        string: "string",
        date: "string",
        datetime: "string",
        integer: "number",
        number: "number",
        boolean: "boolean",
        json: "object",
      }[column.type];
      expect(
        values.every((v) => typeof v === expectedType),
        `${column.key} is ${column.type}`,
      ).toBe(true);
      if (column.type === "integer") expect(values.every((v) => Number.isInteger(v))).toBe(true);
      if (column.type === "date") expect(values.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v as string))).toBe(true);
      if (column.type === "datetime")
        expect(values.every((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v as string))).toBe(true);
    }
  });

  it("puts the OWASP payloads, Korean, Chinese, accents and multi-line text into the data", () => {
    const texts = DEMO_DATASETS.flatMap((d) => [...demoRows(d, 5000)].flat().flatMap((r) => Object.values(r))).filter(
      (v): v is string => typeof v === "string",
    );
    for (const probe of FORMULA_PROBES) expect(texts).toContain(probe);
    expect(texts.some((t) => /[가-힣]/.test(t))).toBe(true);
    expect(texts.some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(texts.some((t) => /[éñ]/.test(t))).toBe(true);
    expect(texts.some((t) => t.includes(",") && t.includes('"'))).toBe(true);
    expect(texts.some((t) => t.includes("\n"))).toBe(true);
    expect(texts.some((t) => t.includes("€")) && texts.some((t) => t.includes("£"))).toBe(true);
  });

  it("flags exactly the API keys and session tokens as sensitive", () => {
    const sensitive = DEMO_DATASETS.flatMap((d) =>
      d.columns.filter((c) => c.sensitive).map((c) => `${d.title}.${c.key}`),
    );
    expect(sensitive).toEqual([
      "Agent Interactions (confidential).api_key",
      "Agent Interactions (confidential).session_token",
    ]);
  });
});
