import { formatMoney, parseQuantity } from "@store/domain";
import type { Locale } from "$lib/i18n";

export type UnitOfSale = "EACH" | "WEIGHT";
export type StockState = "out" | "low" | "in";

/**
 * Prices read like the shelf label in every UI language: the store's own currency format
 * (¥12.80 in a Chinese store), per kilogram for weighed products.
 */
export function formatPrice(priceMinor: number, currency: string): string {
  return formatMoney(priceMinor, currency);
}

const quantityFormatters = new Map<string, Intl.NumberFormat>();

function formatDecimal(text: string, locale: Locale, maximumFractionDigits: number): string {
  const key = `${locale}|${maximumFractionDigits}`;
  let formatter = quantityFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { maximumFractionDigits });
    quantityFormatters.set(key, formatter);
  }
  // Intl formats decimal strings exactly (ES2023); TypeScript's lib still types the argument as a number.
  return formatter.format(text as unknown as number);
}

/** Exact decimal text of `scaled / 10^decimals` for an integer `scaled`: (1234567, 6) -> "1.234567". */
export function shiftDecimalPoint(scaled: number, decimals: number): string {
  const sign = scaled < 0 ? "-" : "";
  const digits = String(Math.abs(scaled)).padStart(decimals + 1, "0");
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * A stock quantity as shoppers read it: a count for products sold by the piece; for weighed
 * products (quantities in grams) kilograms from 1 kg up, grams below.
 */
export function formatStockQuantity(quantity: string, unitOfSale: UnitOfSale, locale: Locale): string {
  const milli = parseSignedQuantity(quantity);
  if (unitOfSale === "EACH") return formatDecimal(shiftDecimalPoint(milli, 3), locale, 3);
  if (Math.abs(milli) >= 1_000_000) return `${formatDecimal(shiftDecimalPoint(milli, 6), locale, 3)} kg`;
  return `${formatDecimal(shiftDecimalPoint(milli, 3), locale, 3)} g`;
}

/** A delivery radius as shoppers read it: "3 km", "2.5 km". */
export function formatDistance(meters: number, locale: Locale): string {
  return `${formatDecimal(shiftDecimalPoint(Math.round(meters), 3), locale, 1)} km`;
}

export type BarcodeKind = "GTIN" | "PLU" | "VARIABLE_MEASURE";

/**
 * A barcode as printed on the pack: GTINs are stored as GTIN-14, padded with zeros, so an EAN-8
 * (six zeros) and an EAN-13 (one zero) read shorter; PLUs and scale-label item references are
 * shown as they are.
 */
export function printedBarcode(kind: BarcodeKind, code: string): { symbology: string; digits: string } {
  if (kind === "PLU") return { symbology: "PLU", digits: code };
  if (kind === "VARIABLE_MEASURE") return { symbology: "GS1", digits: code };
  if (/^0{6}\d{8}$/.test(code)) return { symbology: "EAN-8", digits: code.slice(6) };
  if (/^0\d{13}$/.test(code)) return { symbology: "EAN-13", digits: code.slice(1) };
  return { symbology: "GTIN-14", digits: code };
}

/** Out of stock at zero or below, low at or under the product's reorder point. */
export function stockState(available: string, lowStockThreshold: string | null = null): StockState {
  const milli = parseSignedQuantity(available);
  if (milli <= 0) return "out";
  if (lowStockThreshold !== null && milli <= parseSignedQuantity(lowStockThreshold)) return "low";
  return "in";
}

function parseSignedQuantity(text: string): number {
  const trimmed = text.trim();
  return trimmed.startsWith("-") ? -parseQuantity(trimmed.slice(1)) : parseQuantity(trimmed);
}
