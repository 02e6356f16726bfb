// A direct download: the prepared export opened on its dataset's source and handed out
// as bytes while it is written, audited from its request to its end — completed, failed,
// or cancelled by a client that went away (whose read then stops).
import { recordAudit } from "../audit/audit";
import { datasetSource } from "../sources";
import { openExport, type OpenedExport } from "./open-export";
import type { PreparedExport } from "./prepare-export";
import type { ExportCaller } from "./request-export";

export type StreamedExport = Pick<OpenedExport, "bytes" | "fileName" | "contentType"> & { rowCount: number | null };

type Outcome = "export_completed" | "export_failed" | "export_cancelled";

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
    details: { format, delivery: "direct", filters: prepared.info.filters },
  });
  const started = Date.now();
  const opened = openExport(prepared, datasetSource(dataset), { signal });

  const finish = (action: Outcome, error?: unknown) =>
    recordAudit({
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
        ...(action === "export_failed" ? { error: error instanceof Error ? error.message : String(error) } : {}),
      },
    });

  async function* audited(): AsyncGenerator<Uint8Array> {
    // Until the last byte is out, an end is a client that stopped reading.
    let outcome: Outcome = "export_cancelled";
    let failure: unknown;
    try {
      yield* opened.bytes;
      outcome = "export_completed";
    } catch (error) {
      if (!signal.aborted) {
        outcome = "export_failed";
        failure = error;
      }
      throw error;
    } finally {
      await finish(outcome, failure);
    }
  }

  return { bytes: audited(), fileName: opened.fileName, contentType: opened.contentType, rowCount: prepared.rowCount };
}
