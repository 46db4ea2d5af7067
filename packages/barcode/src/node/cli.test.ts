import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blankImage, placeOnCanvas, renderBarcode, type RgbaImage } from "../testing";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin.mjs", import.meta.url));

function png(image: RgbaImage): Buffer {
  const encoded = new PNG({ width: image.width, height: image.height });
  encoded.data = Buffer.from(image.data);
  return PNG.sync.write(encoded);
}

function jpg(image: RgbaImage): Buffer {
  return jpeg.encode({ width: image.width, height: image.height, data: Buffer.from(image.data) }, 90).data;
}

describe("barcode-decode CLI", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "barcode-cli-"));
    const ean = await renderBarcode({ bcid: "ean13", text: "4006381333931" });
    const qr = await renderBarcode({ bcid: "qrcode", text: "https://shop.example/r/42" });
    await writeFile(
      join(dir, "ean.png"),
      png(placeOnCanvas(ean, { width: 640, height: 480, x: 150, y: 150, scale: 1.5 })),
    );
    await writeFile(
      join(dir, "qr.jpg"),
      jpg(placeOnCanvas(qr, { width: 320, height: 240, x: 60, y: 40, scale: 1 })),
    );
    await writeFile(join(dir, "blank.png"), png(blankImage(64, 48)));
    await writeFile(join(dir, "notes.png"), "not an image");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints one JSON line per file, nulls when nothing is found", async () => {
    const files = ["ean.png", "qr.jpg", "blank.png"].map((name) => join(dir, name));
    const { stdout, stderr } = await run(process.execPath, [bin, ...files]);
    const lines = stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) expect(line.ms).toBeTypeOf("number");
    expect(lines.map(({ ms: _ms, ...rest }) => rest)).toEqual([
      { file: files[0], text: "4006381333931", format: "EAN_13", gtin: "04006381333931" },
      { file: files[1], text: "https://shop.example/r/42", format: "QR_CODE", gtin: null },
      { file: files[2], text: null, format: null, gtin: null },
    ]);
    expect(stderr).toBe("");
  });

  it("says which file it cannot read and exits 1, still decoding the others", async () => {
    const files = [join(dir, "notes.png"), join(dir, "missing.png"), join(dir, "ean.png")];
    const failure = await run(process.execPath, [bin, ...files]).then(
      () => expect.fail("the CLI should exit with 1"),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain(`barcode:decode: Cannot read '${files[0]}': not a PNG or JPEG file`);
    expect(failure.stderr).toContain(`barcode:decode: Cannot read '${files[1]}': no such file`);
    expect(failure.stderr).toContain("2 of 3 files could not be read");
    const lines = failure.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.file, line.text])).toEqual([
      [files[0], null],
      [files[1], null],
      [files[2], "4006381333931"],
    ]);
  });
});
