// The answers the CLI reads, as docs/http-api.md describes them (only the fields it uses).
export type DatasetColumn = { key: string; label: string; type: string; sensitive: boolean };

export type Dataset = {
  id: number;
  title: string;
  owner_email: string | null;
  record_count: number;
  columns: DatasetColumn[];
  can_export: boolean;
  export_denied_reason: string | null;
};

export type JobStatus = {
  job_id: string;
  status: "pending" | "processing" | "completed" | "failed" | "cancelled" | "expired";
  format: string;
  dataset_id: number | null;
  dataset_title: string | null;
  progress: number;
  processed_rows: number | null;
  total_rows: number | null;
  eta_seconds: number | null;
  download_url: string | null;
  error_message: string | null;
  file_name: string | null;
  file_size: number | null;
  sha256: string | null;
  created_at: string;
  completed_at: string | null;
};

export type Accepted = {
  job_id: string;
  status: string;
  status_url: string;
  total_rows: number | null;
  warning?: string;
};

export type HistoryPage = { items: JobStatus[]; total: number; page: number; page_size: number; pages: number };

export type Me = {
  id: number;
  email: string;
  name: string;
  role: string;
  credential: { kind: "session" } | { kind: "token"; token_id: string; scope: string };
};

export type ImportStatus = {
  job_id: string;
  dataset_id: number | null;
  status: "pending" | "processing" | "completed" | "failed" | "cancelled";
  progress: number;
  processed_rows: number | null;
  total_rows: number | null;
  rejected_rows: number | null;
  error_message: string | null;
};

export const FINISHED = new Set(["completed", "failed", "cancelled", "expired"]);
