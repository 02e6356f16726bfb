// The audit trail's table as a reviewer sees it: people and targets by name (links where the
// target can be seen, "(deleted)" where it is gone), details in words in a valid <dl> (each
// item a div of one dt and one dd, the overflow behind a disclosure), never the raw ids or
// byte counts.
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AuditTable } from "@/components/audit/audit-table";
import type { AuditEventJson } from "@/lib/audit/list";
import { translate, type Locale, type MessageKey, type MessageParams } from "@/lib/i18n";

const JOB = "9c98f2d1-3c1e-4d7e-9a55-0a1b2c3d4e5f";

function event(overrides: Partial<AuditEventJson>): AuditEventJson {
  return {
    id: 1,
    action: "export_completed",
    actor_id: 2,
    actor_name: "Mina Manager",
    actor_email: "manager@outport.local",
    actor_role: "manager",
    target_type: "dataset",
    target_id: "2",
    target_name: "Student Enrollment 2024",
    target_deleted: false,
    details: {},
    detail_names: {},
    ip: "127.0.0.1",
    created_at: "2026-12-01T07:32:00.000Z",
    ...overrides,
  };
}

const EVENTS: AuditEventJson[] = [
  event({
    id: 1,
    details: { format: "excel", delivery: "job", rows: 8500, bytes: 596596, duration_ms: 8123, job_id: JOB },
  }),
  event({
    id: 2,
    action: "export_downloaded",
    target_type: "export_job",
    target_id: JOB,
    target_name: "Student Enrollment 2024 · Excel",
    details: { owner_id: 2, user_id: 77 },
    detail_names: { owner_id: "Mina Manager" },
  }),
  event({ id: 3, action: "dataset_deleted", target_id: "9", target_name: "Old Sales", target_deleted: true }),
  event({
    id: 4,
    action: "token_revoked",
    target_type: "token",
    target_id: JOB,
    target_name: null,
    target_deleted: true,
  }),
  event({
    id: 5,
    action: "user_updated",
    target_type: "user",
    target_id: "3",
    target_name: "Vic Viewer",
    details: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: true, i: null, j: "x" },
  }),
  event({
    id: 6,
    action: "retention_purge",
    actor_id: null,
    actor_name: null,
    actor_email: null,
    target_type: "export_files",
    target_id: null,
    target_name: null,
  }),
];

function renderTable(locale: Locale = "en") {
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  return render(<AuditTable events={EVENTS} locale={locale} t={t} />);
}

const rows = () => screen.getAllByTestId("audit-row");

describe("AuditTable", () => {
  it("names the actor, with the e-mail in the title", () => {
    renderTable();
    const actor = within(rows()[0]!).getByTestId("audit-actor");
    expect(actor).toHaveTextContent("Mina Manager");
    expect(actor).toHaveAttribute("title", "Mina Manager <manager@outport.local>");
    expect(within(rows()[5]!).getByText("System")).toBeInTheDocument();
  });

  it("names targets and links to where they are seen; a gone one is marked, not linked", () => {
    renderTable();
    expect(within(rows()[0]!).getByRole("link", { name: "Student Enrollment 2024" })).toHaveAttribute(
      "href",
      "/datasets/2",
    );
    expect(within(rows()[1]!).getByRole("link", { name: "Student Enrollment 2024 · Excel" })).toHaveAttribute(
      "href",
      "/export/history",
    );
    expect(within(rows()[4]!).getByRole("link", { name: "Vic Viewer" })).toHaveAttribute("href", "/admin/users");
    const deleted = within(rows()[2]!).getByTestId("audit-target");
    expect(deleted).toHaveTextContent("Old Sales(deleted)");
    expect(within(deleted).queryByRole("link")).toBeNull();
    expect(within(rows()[3]!).getByTestId("audit-target")).toHaveTextContent("Token(deleted)");
    // No target is shown by its raw id: the id is only in the title.
    for (const target of screen.getAllByTestId("audit-target")) {
      expect(target).not.toHaveTextContent(JOB);
      expect(target).not.toHaveTextContent(/\b[239]\b/);
    }
    expect(within(rows()[1]!).getByTestId("audit-target")).toHaveAttribute("title", JOB);
  });

  it("shows details in words", () => {
    renderTable();
    const details = within(rows()[0]!);
    expect(details.getByText("582.6 KB")).toBeInTheDocument();
    expect(details.getByText("8.1 s")).toBeInTheDocument();
    expect(details.getByText("8,500")).toBeInTheDocument();
    expect(details.getByText("Excel")).toBeInTheDocument();
    expect(details.getByText("Background job")).toBeInTheDocument();
    expect(screen.getByTestId("audit-table")).not.toHaveTextContent("596596");
    expect(screen.getByText("+2 more")).toBeInTheDocument();
    // An id the list found a name for shows the name; one it did not stays as it is.
    const terms = [...rows()[1]!.querySelectorAll("dl > div")].map((item) => item.textContent);
    expect(terms).toEqual(["Owner:Mina Manager", "User:77"]);
  });

  it("in Korean", () => {
    renderTable("ko");
    expect(within(rows()[0]!).getByText("8.1초")).toBeInTheDocument();
    expect(within(rows()[2]!).getByTestId("audit-target")).toHaveTextContent("(삭제됨)");
  });

  it("writes every <dl> with only divs of one dt and one dd", () => {
    const { container } = renderTable();
    const lists = container.querySelectorAll("dl");
    expect(lists).toHaveLength(4);
    for (const list of lists) {
      for (const child of list.children) {
        expect(child.tagName).toBe("DIV");
        expect([...child.children].map((c) => c.tagName)).toEqual(["DT", "DD"]);
      }
    }
  });
});
