// What an import job's row carries for its run (the `settings` column): how to read the
// file, how many columns the file has, and where each of the dataset's columns comes from.
// Written by the request (request-import.ts) after it inspected the file, read by the job.
import { z } from "zod";
import { DELIMITERS, FILE_FORMATS, TEXT_ENCODINGS, type ReadChoices } from "../imports/types";

export const ZImportSettings = z.object({
  choices: z.object({
    format: z.enum(FILE_FORMATS),
    encoding: z.enum(TEXT_ENCODINGS).nullable(),
    delimiter: z.enum(DELIMITERS).nullable(),
    sheet: z.string().nullable(),
    header: z.boolean(),
  }),
  /** The columns the file has, as inspect found them: a row with more values is rejected. */
  fileColumns: z.number().int().min(0),
  /** The file's column names (the header of the rejected rows' CSV). */
  columnNames: z.array(z.string()),
  /**
   * For each column of the dataset, by its key: the file column (0-based) it takes its
   * values from; a dataset column the file lacks is not listed and stays empty.
   */
  sources: z.record(z.string(), z.number().int().min(0)),
});
export type ImportSettings = z.infer<typeof ZImportSettings> & { choices: ReadChoices };
