// Imports as HTTP answers: the 202 of a queued import, and the CSV of its rejected rows.
import { Readable } from "node:stream";
import type { ReadStream } from "node:fs";
import { importStatusUrl } from "../datasets/import-status";
import type { RequestedImport } from "../datasets/request-import";
import { contentDisposition } from "./content-disposition";

/** `202 {job_id, status_url, dataset_id}`, with the status URL in `Location` too. */
export function acceptedImportResponse({ jobId, datasetId }: RequestedImport): Response {
  const body = { job_id: jobId, status_url: importStatusUrl(jobId), dataset_id: datasetId };
  return Response.json(body, { status: 202, headers: { Location: body.status_url, "Cache-Control": "no-store" } });
}

/** A name safe in the plain `filename=` of Content-Disposition: printable ASCII, no quotes. */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, "_");
}

/** The rejected rows' CSV, streamed from its file as it is read. */
export function rejectedRowsResponse({ stream, fileName }: { stream: ReadStream; fileName: string }): Response {
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": contentDisposition({ name: fileName, asciiName: asciiName(fileName) }),
      "Cache-Control": "private, no-store, no-transform",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
