// Schedules and runs as the schedules API answers them, for the schedules page's tests.
import type { TMailSettings, TSchedule, TScheduleRun } from "@/lib/schedules/schedule-schemas";

export const SHA = "ab12cd34ef56".padEnd(64, "0");

export function run(overrides: Partial<TScheduleRun> = {}): TScheduleRun {
  return {
    id: "run-1",
    schedule_id: "sch-1",
    slot_at: "2026-12-07T00:00:00.000Z",
    trigger: "slot",
    missed_slots: 0,
    state: "delivered",
    error: null,
    export_job_id: "job-9",
    file: {
      name: "q1-sales.xlsx",
      size: 2048,
      rows: 1200,
      sha256: SHA,
      download_url: "/api/export/download/job-9",
    },
    delivery: { status: "written", attempts: 1, error: null, delivered_at: "2026-12-07T00:00:05.000Z" },
    created_at: "2026-12-07T00:00:00.000Z",
    finished_at: "2026-12-07T00:00:05.000Z",
    ...overrides,
  };
}

export function schedule(overrides: Partial<TSchedule> = {}): TSchedule {
  return {
    id: "sch-1",
    owner: { id: 2, name: "Mina Park", email: "manager@outport.local" },
    dataset_id: 1,
    dataset_title: "Q1 Sales",
    format: "excel",
    options: {},
    cron: "0 9 * * 1,3",
    timezone: "Asia/Seoul",
    recipients: ["manager@outport.local", "team@example.com"],
    enabled: true,
    paused_reason: null,
    next_run_at: "2026-12-07T00:00:00.000Z",
    created_at: "2026-12-01T00:00:00.000Z",
    updated_at: "2026-12-01T00:00:00.000Z",
    runs: [],
    ...overrides,
  };
}

export const FILES_MAIL: TMailSettings = {
  mode: "files",
  allowed_domains: [],
  attachment_max_bytes: 5 * 1024 * 1024,
  link_days: 7,
};

export const SMTP_MAIL: TMailSettings = { ...FILES_MAIL, mode: "smtp", allowed_domains: ["example.com"] };

export const DATASETS = [
  {
    id: 1,
    title: "Q1 Sales",
    record_count: 1200,
    date_column: "sale_date",
    columns: [
      { key: "order_id", label: "Order ID", type: "string" as const, sensitive: false },
      { key: "region", label: "Region", type: "string" as const, sensitive: false },
      { key: "sale_date", label: "Sale date", type: "date" as const, sensitive: false },
    ],
  },
  {
    id: 2,
    title: "Student Enrollment 2024",
    record_count: 8500,
    date_column: null,
    columns: [{ key: "student_id", label: "Student ID", type: "string" as const, sensitive: false }],
  },
];
