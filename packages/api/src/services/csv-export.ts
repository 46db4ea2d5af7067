import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";

/** An export: what to name the file, and its text. */
export type CsvFile = { filename: string; csv: string };

/**
 * A CSV file of rows as they come (a page at a time from the database) through the streaming
 * stringifier, so the same pipeline can write to an HTTP response when files outgrow a string.
 * A byte-order mark comes first, so spreadsheets read the Chinese text as UTF-8; lines end in
 * CRLF, as RFC 4180 has it.
 */
export async function csvFile(
  filename: string,
  columns: readonly string[],
  rows: AsyncIterable<readonly string[]>,
): Promise<CsvFile> {
  const chunks: Buffer[] = [];
  await pipeline(
    Readable.from(rows),
    stringify({ bom: true, header: true, columns: [...columns], record_delimiter: "windows" }),
    async (source: AsyncIterable<Buffer | string>) => {
      for await (const chunk of source) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    },
  );
  // Joined as bytes first: a chunk may end inside a character.
  return { filename, csv: Buffer.concat(chunks).toString("utf8") };
}

/** "20261125-1524": the store's local date and time, for file names. */
export function exportStamp(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}${parts.month}${parts.day}-${parts.hour}${parts.minute}`;
}

/**
 * Free text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe,
 * which spreadsheets show as text. Only for read-only reports: an import would keep the apostrophe.
 */
export function inertText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
