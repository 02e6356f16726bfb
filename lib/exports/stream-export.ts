// A direct download: the prepared export opened on its dataset's source and handed out
// as bytes while it is written, audited from its request to its end — completed, failed,
// or cancelled by a client that went away (whose read then stops).
import { recordAudit } from "../audit/audit";
import { AppError } from "../errors";
import type { MessageKey } from "../i18n";
import { datasetSource } from "../sources";
import { openExport, type OpenedExport } from "./open-export";
import type { PreparedExport } from "./prepare-export";
import type { ExportCaller } from "./request-export";

export type StreamedExport = Pick<OpenedExport, "bytes" | "fileName" | "contentType"> & {
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
  await recordAudit({
    ...audit,
    action: "export_requested",
    details: { format, delivery: "direct", filters: prepared.auditFilters },
  });
  const started = Date.now();
  // Stops with the request, or as soon as the response is cancelled.
  const stop = new AbortController();
  const stopWithRequest = () => stop.abort(signal.reason);
  if (signal.aborted) stopWithRequest();
  else signal.addEventListener("abort", stopWithRequest, { once: true });
  const opened = openExport(prepared, datasetSource(dataset), { signal: stop.signal, locale: caller.locale });

  let finished = false;
  const finish = async (action: Outcome, error?: unknown) => {
    if (finished) return;
    finished = true;
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
        ...(action === "export_failed" ? { error: failureKey(error) } : {}),
      },
    });
  };

  async function* audited(): AsyncGenerator<Uint8Array> {
    // Until the last byte is out, an end is a client that stopped reading.
    let outcome: Outcome = "export_cancelled";
    let failure: unknown;
    try {
      yield* opened.bytes;
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
