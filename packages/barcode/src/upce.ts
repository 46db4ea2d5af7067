import { DomainError, expandUpcE } from "@store/domain";
import type { BitArray } from "@zxing/library";
import { zxing } from "./zxing";

/**
 * UPC-E read from one binarized row with zxing's EAN/UPC primitives (guard search, digit
 * matching). zxing-js 0.23's own UPCEReader never returns a code (zxing-js/library#573): its
 * decodeMiddle drops the digits it decodes (it returns a number where the shared decodeRow expects
 * `{rowOffset, resultString}`), and that decodeRow looks for EAN's end guard and checks the
 * 8 digits with EAN's checksum instead of UPC-E's own, both called statically so no override helps.
 *
 * UPC-E: start guard 101, six digits in odd (L) or even (G) parity, end guard 010101. The parities
 * encode the number system (0 or 1) and the check digit, which is the UPC-A check digit of the
 * expanded code. Returns the 8 digits (number system, six digits, check digit) or null.
 */
export function decodeUpcERow(row: BitArray): string | null {
  const upc = zxing.EAN13Reader;
  try {
    const start = upc.findStartGuardPattern(row);
    const counters = new Int32Array(4);
    let offset = start[1]!;
    let digits = "";
    let parities = 0;
    for (let index = 0; index < 6; index += 1) {
      const match = upc.decodeDigit(row, counters, offset, L_AND_G_PATTERNS);
      digits += String(match % 10);
      if (match >= 10) parities |= 1 << (5 - index);
      for (const width of counters) offset += width;
    }
    const end = upc.findGuardPattern(row, offset, true, END_GUARD, new Int32Array(END_GUARD.length));
    // As zxing's EAN/UPC readers do: the end guard must be followed by at least its own width of space.
    const quietEnd = end[1]! + (end[1]! - end[0]!);
    if (quietEnd >= row.getSize() || !row.isRange(end[1]!, quietEnd, false)) return null;
    for (const system of [0, 1] as const) {
      const check = PARITIES[system].indexOf(parities);
      if (check < 0) continue;
      const code = `${system}${digits}${check}`;
      // Throws when the check digit the parities encode is not the expanded UPC-A's.
      expandUpcE(code);
      return code;
    }
    return null;
  } catch (error) {
    if (
      error instanceof zxing.NotFoundException ||
      error instanceof zxing.FormatException ||
      error instanceof DomainError
    ) {
      return null;
    }
    throw error;
  }
}

const END_GUARD = Int32Array.from([1, 1, 1, 1, 1, 1]);

/**
 * Digit patterns, odd parity (L, 0-9) then even (G, 10-19: L mirrored). zxing builds the same
 * table into a static only when its first EAN/UPC reader is constructed, so it is built here.
 */
const L_AND_G_PATTERNS: Int32Array[] = [
  ...zxing.EAN13Reader.L_PATTERNS.map((widths) => Int32Array.from(widths)),
  ...zxing.EAN13Reader.L_PATTERNS.map((widths) => Int32Array.from(widths).reverse()),
];

/** Bit 5 − i set when digit i is in even (G) parity; the index in each list is the check digit. */
const PARITIES: readonly [readonly number[], readonly number[]] = [
  [0x38, 0x34, 0x32, 0x31, 0x2c, 0x26, 0x23, 0x2a, 0x29, 0x25],
  // zxing-js has 0x1 for the last entry; the parity pattern of number system 1, check digit 9 is 0x1a.
  [0x07, 0x0b, 0x0d, 0x0e, 0x13, 0x19, 0x1c, 0x15, 0x16, 0x1a],
];
