import { decodeLuminance } from "../decode";
import { readImageFile } from "./read-image";

type Output = { write(chunk: string): unknown };

const USAGE = "Usage: pnpm barcode:decode <png|jpg files...>\n";

/**
 * `pnpm barcode:decode a.png b.jpg`: one JSON line per file on stdout,
 * `{"file","text","format","gtin","ms"}` (ms of decoding) with nulls when no barcode was found; an unreadable file
 * gets its reason on stderr and `"error"` in its line. Resolves to the exit code: 1 when any file
 * could not be read, 2 for no files at all.
 */
export async function runDecodeCli(
  files: readonly string[],
  io: { stdout: Output; stderr: Output } = process,
): Promise<number> {
  if (files.length === 0 || files.some((file) => file === "--help" || file === "-h")) {
    io.stderr.write(USAGE);
    return files.length === 0 ? 2 : 0;
  }
  let failed = 0;
  for (const file of files) {
    let image;
    try {
      image = await readImageFile(file);
    } catch (error) {
      failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`barcode:decode: ${message}\n`);
      io.stdout.write(
        `${JSON.stringify({ file, text: null, format: null, gtin: null, ms: null, error: message })}\n`,
      );
      continue;
    }
    const started = performance.now();
    const result = decodeLuminance(image);
    const ms = round(performance.now() - started);
    const line = result
      ? { file, text: result.text, format: result.format, gtin: result.gtin ?? null, ms }
      : { file, text: null, format: null, gtin: null, ms };
    io.stdout.write(`${JSON.stringify(line)}\n`);
  }
  if (failed > 0) io.stderr.write(`barcode:decode: ${failed} of ${files.length} files could not be read\n`);
  return failed > 0 ? 1 : 0;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
