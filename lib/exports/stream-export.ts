// A direct download: the prepared export opened on its dataset's source and handed out
// as bytes while it is written, audited from its request to its end — completed, failed,
// or cancelled by a client that went away (whose read then stops). It is a row of the
// export history too, running while it streams: its SHA-256 is taken chunk by chunk as
// the bytes go out (nothing is kept), and the row ends as the download does.
import { createHash } from "node:crypto";
import { recordAudit } from "../audit/audit";
import { AppError } from "../errors";
import { DEFAULT_LOCALE, type MessageKey } from "../i18n";
import { datasetSource } from "../sources";
import { finishDirectExport, insertDirectExport } from "./export-job-store";
import { openExport, type OpenedExport } from "./open-export";
import { withoutChartImages } from "./present-options";
import type { PreparedExport } from "./prepare-export";
import type { ExportCaller } from "./request-export";

export type StreamedExport = Pick<OpenedExport, "bytes" | "fileName" | "contentType"> & {
  /** Its row in the export history. */
  exportId: string;
  rowCount: number | null;
  /** Stops the export at once: the client went away. */
  cancel: (reason?: unknown) => void;
};

type Outcome = "export_completed" | "export_failed" | "export_cancelled";

/**
 * What the audit trail says about a failure: our own message key, never the error's text
 * (a database error's words stay in the server's log).
 */
function failureKey(error: unknown): MessageKey {
  return error instanceof AppError ? error.messageKey : "job.error.unexpected";
}

export async function streamExport(
  caller: ExportCaller,
  prepared: PreparedExport,
  signal: AbortSignal,
): Promise<StreamedExport> {
  const { format, dataset } = prepared;
  const audit = { actorId: caller.user.id, targetId: dataset.id, ip: caller.ip };
  const exportId = await insertDirectExport({
    userId: caller.user.id,
    datasetId: dataset.id,
    format,
    // The chart images were drawn into the file; the history keeps what the export was asked with.
    options: withoutChartImages(prepared.options),
    totalRows: prepared.rowCount,
    locale: caller.locale ?? DEFAULT_LOCALE,
  });
  await recordAudit({
    ...audit,
    action: "export_requested",
    details: { format, delivery: "direct", filters: prepared.auditFilters, job_id: exportId },
  });
  const started = Date.now();
  // Stops with the request, or as soon as the response is cancelled.
  const stop = new AbortController();
  const stopWithRequest = () => stop.abort(signal.reason);
  if (signal.aborted) stopWithRequest();
  else signal.addEventListener("abort", stopWithRequest, { once: true });
  const opened = openExport(prepared, datasetSource(dataset), { signal: stop.signal, locale: caller.locale });

  const hash = createHash("sha256");
  let finished = false;
  const finish = async (action: Outcome, error?: unknown) => {
    if (finished) return;
    finished = true;
    const done = { rows: opened.stats.rows, skipped: opened.skipped.count };
    await finishDirectExport(
      exportId,
      action === "export_completed"
        ? {
            ...done,
            status: "completed",
            fileName: opened.fileName.name,
            bytes: opened.stats.bytes,
            sha256: hash.digest("hex"),
          }
        : action === "export_failed"
          ? { ...done, status: "failed", errorMessage: failureKey(error) }
          : { ...done, status: "cancelled" },
    );
    await recordAudit({
      ...audit,
      action,
      details: {
        format,
        delivery: "direct",
        rows: opened.stats.rows,
        bytes: opened.stats.bytes,
        warnings: opened.stats.warningCount,
        skipped: opened.skipped.count,
        duration_ms: Date.now() - started,
        job_id: exportId,
        ...(action === "export_failed" ? { error: failureKey(error) } : {}),
      },
    });
  };

  async function* audited(): AsyncGenerator<Uint8Array> {
    // Until the last byte is out, an end is a client that stopped reading.
    let outcome: Outcome = "export_cancelled";
    let failure: unknown;
    try {
      for await (const chunk of opened.bytes) {
        hash.update(chunk);
        yield chunk;
      }
      // The last byte was taken (the stream pulls only for a reader waiting for more), and
      // the client had not gone by then: a download that ends as its client leaves is not one.
      if (!stop.signal.aborted) outcome = "export_completed";
    } catch (error) {
      if (!stop.signal.aborted) {
        outcome = "export_failed";
        failure = error;
        console.error(`A direct ${format} export of dataset ${dataset.id} failed:`, error);
      }
      throw error;
    } finally {
      signal.removeEventListener("abort", stopWithRequest);
      await finish(outcome, failure);
    }
  }

  return {
    exportId,
    bytes: audited(),
    fileName: opened.fileName,
    contentType: opened.contentType,
    rowCount: prepared.rowCount,
    cancel: (reason) => {
      stop.abort(reason);
      // A response cancelled before its first chunk never runs the generator's finally.
      void finish("export_cancelled");
    },
  };
}
