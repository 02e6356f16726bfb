// A stand-in for the app's HTTP API, just enough for the CLI's tests without a database:
// datasets, direct and queued exports, status, checked downloads, cancel, history, /api/me
// and the import routes. Each test tweaks `state` to make the server misbehave.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const TOKEN = "outport_pat_testtokentesttokentesttokentesttoken";

export type FakeJob = {
  id: string;
  dataset_id: number;
  format: string;
  options: unknown;
  polls: number;
  status: string;
  content: Buffer;
  tampered: boolean;
};

export type FakeState = {
  datasets: Array<{
    id: number;
    title: string;
    columns: Array<{ key: string; label: string; type: string; sensitive: boolean }>;
  }>;
  jobs: Map<string, FakeJob>;
  requests: Array<{ method: string; path: string; body: string; headers: IncomingMessage["headers"] }>;
  /** Answer the next N export requests with 429 and this Retry-After. */
  rateLimit: { count: number; retryAfter: string | null };
  /** Polls before a job completes (Infinity: never). */
  pollsToFinish: number;
  /** Serve a file whose bytes differ from its sha256. */
  tamper: boolean;
  /** Serve the right bytes (and job sha256) but a Repr-Digest that does not match them. */
  wrongReprDigest: boolean;
  /** Downloads answer 302 to `/presigned/<id>` (as with S3 presigned downloads), served without auth. */
  presign: boolean;
  cancelled: string[];
  /** Answer the export requests with 422 and these errors. */
  invalid: Array<{ field: string; message: string }> | null;
  /** Direct exports answer 200 (streamed) instead of 202. */
  streamDirect: boolean;
};

export type Fake = { url: string; state: FakeState; close(): Promise<void> };

const COLUMNS = [
  { key: "order_id", label: "Order ID", type: "string", sensitive: false },
  { key: "amount", label: "Amount", type: "number", sensitive: false },
  { key: "quantity", label: "Quantity", type: "integer", sensitive: false },
  { key: "sale_date", label: "Sale date", type: "date", sensitive: false },
];

export function csvFor(datasetId: number, options: unknown): Buffer {
  const rename = ((options as { rename?: Record<string, string> })?.rename ?? {}) as Record<string, string>;
  const header = ["order_id", "amount"].map((k) => rename[k] ?? k).join(",");
  return Buffer.from(`${header}\nD${datasetId}-1,-5\nD${datasetId}-2,10\n`);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

export async function startFake(): Promise<Fake> {
  const state: FakeState = {
    datasets: [
      { id: 1, title: "Q1 Sales", columns: COLUMNS },
      { id: 2, title: "Q2 Sales", columns: COLUMNS },
      { id: 3, title: "Student Enrollment 2024", columns: COLUMNS },
    ],
    jobs: new Map(),
    requests: [],
    rateLimit: { count: 0, retryAfter: null },
    pollsToFinish: 2,
    tamper: false,
    wrongReprDigest: false,
    presign: false,
    cancelled: [],
    invalid: null,
    streamDirect: false,
  };

  const statusOf = (job: FakeJob) => {
    const done = job.status === "completed";
    return {
      job_id: job.id,
      status: job.status,
      format: job.format,
      dataset_id: job.dataset_id,
      dataset_title: state.datasets.find((d) => d.id === job.dataset_id)?.title ?? null,
      progress: done ? 100 : Math.min(99, job.polls * 40),
      processed_rows: done ? 2 : Math.min(2, job.polls),
      total_rows: 2,
      eta_seconds: done ? 0 : 1,
      download_url: done ? `/api/export/download/${job.id}` : null,
      error_message: job.status === "failed" ? "It broke." : null,
      file_name: done ? `d${job.dataset_id}.${job.format === "excel" ? "xlsx" : job.format}` : null,
      file_size: done ? job.content.length : null,
      sha256: done ? createHash("sha256").update(job.content).digest("hex") : null,
      created_at: "2026-12-01T10:00:00.000Z",
      completed_at: done ? "2026-12-01T10:00:01.000Z" : null,
    };
  };

  const newJob = (datasetId: number, format: string, options: unknown) => {
    const job: FakeJob = {
      id: randomUUID(),
      dataset_id: datasetId,
      format,
      options,
      polls: 0,
      status: "pending",
      content: format === "csv" ? csvFor(datasetId, options) : Buffer.from(`${format} of ${datasetId}`),
      tampered: state.tamper,
    };
    state.jobs.set(job.id, job);
    return job;
  };

  const exportRefusal = (res: ServerResponse): boolean => {
    if (state.rateLimit.count > 0) {
      state.rateLimit.count--;
      send(
        res,
        429,
        { detail: "Too many export requests." },
        state.rateLimit.retryAfter ? { "retry-after": state.rateLimit.retryAfter } : {},
      );
      return true;
    }
    if (state.invalid) {
      send(res, 422, { detail: "Some fields are invalid.", errors: state.invalid });
      return true;
    }
    return false;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://fake");
    state.requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, body, headers: req.headers });
    // A presigned URL carries its own permission: no token asked (nor expected).
    if (req.headers.authorization !== `Bearer ${TOKEN}` && !url.pathname.startsWith("/presigned/")) {
      return send(res, 401, { detail: "Sign in first." }, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (req.method === "GET" && path === "/api/me") {
      return send(res, 200, {
        id: 2,
        email: "manager@outport.local",
        name: "Mina Manager",
        role: "manager",
        credential: { kind: "token", token_id: "tok1", scope: "export" },
      });
    }
    if (req.method === "GET" && path === "/api/datasets") {
      return send(
        res,
        200,
        state.datasets.map((d) => ({
          ...d,
          owner_email: "manager@outport.local",
          record_count: 2,
          can_export: true,
          export_denied_reason: null,
        })),
      );
    }
    if (req.method === "POST" && path === "/api/export/async") {
      if (exportRefusal(res)) return;
      const request = JSON.parse(body) as { dataset_id: number; format: string; options?: unknown };
      const job = newJob(request.dataset_id, request.format, request.options ?? {});
      return send(res, 202, {
        job_id: job.id,
        status: "pending",
        status_url: `/api/export/status/${job.id}`,
        total_rows: 2,
      });
    }
    if (req.method === "POST" && (match = /^\/api\/export\/([a-z]+)\/(\d+)$/.exec(path))) {
      if (exportRefusal(res)) return;
      const [, format = "", id = ""] = match;
      const options = body ? (JSON.parse(body) as unknown) : {};
      if (state.streamDirect) {
        res.writeHead(200, {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="direct.${format}"; filename*=UTF-8''direct%20${id}.${format}`,
          "x-export-rows": "2",
        });
        return res.end(csvFor(Number(id), options));
      }
      const job = newJob(Number(id), format, options);
      return send(res, 202, {
        job_id: job.id,
        status: "pending",
        status_url: `/api/export/status/${job.id}`,
        total_rows: 2,
      });
    }
    if (req.method === "GET" && (match = /^\/api\/export\/status\/(.+)$/.exec(path))) {
      const job = state.jobs.get(match[1] ?? "");
      if (!job) return send(res, 404, { detail: "No such export." });
      if (job.status === "pending" || job.status === "processing") {
        job.polls++;
        job.status = job.polls >= state.pollsToFinish ? "completed" : "processing";
      }
      return send(res, 200, statusOf(job));
    }
    const presigned = req.method === "GET" && /^\/presigned\/(.+)$/.exec(path);
    if (state.presign && !presigned && (match = /^\/api\/export\/download\/(.+)$/.exec(path))) {
      const job = state.jobs.get(match[1] ?? "");
      if (!job) return send(res, 404, { detail: "No such export." });
      const digest = createHash("sha256")
        .update(state.wrongReprDigest ? "other bytes" : job.content)
        .digest();
      res.writeHead(302, {
        location: `http://${req.headers.host}/presigned/${job.id}`,
        "repr-digest": `sha-256=:${digest.toString("base64")}:`,
      });
      return res.end();
    }
    if (presigned) {
      const job = state.jobs.get(presigned[1] ?? "");
      if (!job) return send(res, 404, { detail: "No such export." });
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${statusOf(job).file_name}"`,
      });
      return res.end(job.content);
    }
    if (req.method === "GET" && (match = /^\/api\/export\/download\/(.+)$/.exec(path))) {
      const job = state.jobs.get(match[1] ?? "");
      if (!job) return send(res, 404, { detail: "No such export." });
      const digest = createHash("sha256").update(job.content).digest();
      const bytes = job.tampered ? Buffer.concat([job.content, Buffer.from("tampered")]) : job.content;
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(bytes.length),
        "content-disposition": `attachment; filename="${statusOf(job).file_name}"`,
        // A tampered file on disk: the server's recorded digest no longer matches it.
        "x-checksum-sha256": digest.toString("hex"),
        "repr-digest": state.wrongReprDigest
          ? `sha-256=:${createHash("sha256").update("other bytes").digest("base64")}:`
          : `sha-256=:${digest.toString("base64")}:`,
      });
      return res.end(bytes);
    }
    if (req.method === "POST" && (match = /^\/api\/export\/jobs\/(.+)\/cancel$/.exec(path))) {
      const job = state.jobs.get(match[1] ?? "");
      if (!job) return send(res, 404, { detail: "No such export." });
      if (job.status !== "pending" && job.status !== "processing") return send(res, 409, { detail: "Not running." });
      job.status = "cancelled";
      state.cancelled.push(job.id);
      return send(res, 200, statusOf(job));
    }
    if (req.method === "GET" && path === "/api/export/history") {
      const items = [...state.jobs.values()].map(statusOf);
      return send(res, 200, { items, total: items.length, page: 1, page_size: 25, pages: 1 });
    }
    if (req.method === "POST" && path === "/api/datasets") {
      state.datasets.push({ id: 9, title: url.searchParams.get("title") ?? "", columns: COLUMNS });
      return send(res, 202, { job_id: "imp1", status_url: "/api/imports/imp1", dataset_id: 9 });
    }
    if (req.method === "GET" && path === "/api/imports/imp1") {
      return send(res, 200, {
        job_id: "imp1",
        dataset_id: 9,
        status: "completed",
        progress: 100,
        processed_rows: body.length,
        total_rows: 3,
        rejected_rows: 0,
        error_message: null,
      });
    }
    send(res, 404, { detail: "Not found." });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, { detail: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
