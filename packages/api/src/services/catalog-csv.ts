import {
  DomainError,
  isVariableMeasurePrefix,
  minorToDecimalString,
  normalizeGtin,
  parseMoney,
  parsePlu,
  parseQuantity,
  variableMeasureRuleFor,
  type Nomenclature,
} from "@store/domain";
import { CsvError, parse } from "csv-parse/sync";
import { z } from "zod";

/**
 * The catalog's CSV format, shared by `catalog.importCsv` and `catalog.exportProducts`: one
 * product per row, a header row naming the columns (any order, any letter case). Reading a file
 * here checks each cell on its own; what needs the database or the other rows (categories,
 * existing products, barcodes taken elsewhere) is checked by the import service.
 */

/** The columns in the order an export writes them; an import takes any subset with `sku`. */
export const catalogColumns = [
  "sku",
  "name_en",
  "name_zh",
  "category",
  "unit_of_sale",
  "price",
  "gtin",
  "plu",
  "variable_measure",
  "brand",
  "content_amount",
  "content_unit",
  "minimum_age",
  "low_stock_threshold",
  "active",
] as const;

/** `price_minor` is the price in minor units instead of `price` in the currency. */
export type CatalogColumn = (typeof catalogColumns)[number] | "price_minor";

const aliases: Record<string, CatalogColumn> = { barcode: "gtin" };

export type BarcodeKind = "GTIN" | "PLU" | "VARIABLE_MEASURE";

export const barcodeColumns = {
  gtin: "GTIN",
  plu: "PLU",
  variable_measure: "VARIABLE_MEASURE",
} as const satisfies Partial<Record<CatalogColumn, BarcodeKind>>;
export type BarcodeColumn = keyof typeof barcodeColumns;

/** A code as stored (a GTIN normalized to GTIN-14) and as the file wrote it. */
export type ListedCode = { code: string; written: string };

/** Several codes of a kind share a cell, separated by this. */
export const codeSeparator = "|";

export const contentUnits = ["g", "ml", "pcs"] as const;

export type ImportIssue = {
  /** The line in the file where the row starts; the header is line 1. */
  line: number;
  /** The column as the header names it ("" for the whole row or file). */
  column: string;
  value: string;
  reason: string;
};

/**
 * What a row says about its product. A field is undefined when its column is not in the file
 * (the product keeps what it has); null clears an optional field. Quantities are thousandths.
 */
export type CatalogRow = {
  line: number;
  /** As read, for the values an issue quotes. */
  cells: readonly string[];
  sku: string;
  nameEn?: string;
  nameZh?: string;
  categoryCode?: string;
  unitOfSale?: "EACH" | "WEIGHT";
  /** Per unit, or per kilogram for products sold by weight; undefined also for an empty cell. */
  priceMinor?: number;
  /** The codes of each kind whose column is in the file, in the file's order. */
  codes: Partial<Record<BarcodeKind, ListedCode[]>>;
  brand?: string | null;
  contentAmountMilli?: number | null;
  contentUnit?: string | null;
  minimumAge?: number | null;
  lowStockThresholdMilli?: number;
  active?: boolean;
};

export type CsvRecord = { line: number; cells: string[] };

export type CatalogHeader = { columns: Map<CatalogColumn, number>; names: string[] };

/**
 * Rows of a CSV text with the line each starts on. A byte-order mark is dropped and line ends
 * are made LF first, also inside quoted cells (CR LF from Windows, a lone CR from old Macs). Rows
 * whose cells are all empty (what spreadsheets leave below a table) are skipped.
 */
export function readCsv(text: string): { records: CsvRecord[] } | { issue: ImportIssue } {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let parsed: string[][];
  try {
    // Blank lines come through as rows (skipped below), so lines can be counted without the
    // parser's per-row info objects, which cost as much as the parsing itself.
    parsed = parse(normalized, { relax_column_count: true });
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === "number" ? error.lines : 1;
      return { issue: { line, column: "", value: "", reason: `Not readable as CSV: ${error.message}` } };
    }
    throw error;
  }
  const records: CsvRecord[] = [];
  let line = 1;
  for (const cells of parsed) {
    if (cells.some((cell) => cell.trim() !== "")) records.push({ line, cells });
    // Quoted cells may span lines.
    line += 1 + cells.reduce((sum, cell) => sum + countBreaks(cell), 0);
  }
  return { records };
}

function countBreaks(cell: string): number {
  let count = 0;
  for (let index = cell.indexOf("\n"); index !== -1; index = cell.indexOf("\n", index + 1)) count++;
  return count;
}

/** `Name EN`, `name-en` and `NAME_EN` all name `name_en`. */
function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

const knownColumns = new Set<string>([...catalogColumns, "price_minor"]);

export function readHeader(cells: readonly string[]): { header: CatalogHeader } | { issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const columns = new Map<CatalogColumn, number>();
  const issue = (column: string, reason: string) => issues.push({ line: 1, column, value: column, reason });
  cells.forEach((name, index) => {
    const key = columnKey(name);
    const column = aliases[key] ?? (knownColumns.has(key) ? (key as CatalogColumn) : undefined);
    if (key === "") {
      issue(name, `Column ${index + 1} has no name`);
    } else if (!column) {
      issue(
        name,
        `Unknown column '${name.trim()}': the columns are ${[...catalogColumns, "price_minor"].join(", ")}`,
      );
    } else if (columns.has(column)) {
      issue(
        name,
        `Column '${column}' appears twice${key === column ? "" : ` ('${name.trim()}' is another name for it)`}`,
      );
    } else {
      columns.set(column, index);
    }
  });
  if (!columns.has("sku") && !issues.some((found) => found.column.trim().toLowerCase() === "sku")) {
    issues.push({
      line: 1,
      column: "sku",
      value: "",
      reason: "The header has no 'sku' column: every row names its product by SKU",
    });
  }
  if (columns.has("price") && columns.has("price_minor")) {
    issue("price_minor", "Columns 'price' and 'price_minor' both give the price: keep one");
  }
  return issues.length > 0 ? { issues } : { header: { columns, names: cells.map((name) => name.trim()) } };
}

/** Issues as a reader goes through the file: by line, then from left to right. */
export function issueOrder(header: CatalogHeader | null): (a: ImportIssue, b: ImportIssue) => number {
  const position = (issue: ImportIssue) => header?.names.indexOf(issue.column) ?? -1;
  return (a, b) => a.line - b.line || position(a) - position(b);
}

/** A rule of @store/domain as a zod transform: its DomainError message becomes the issue. */
function domainRule<T>(rule: (text: string) => T) {
  return (text: string, context: z.RefinementCtx): T => {
    try {
      return rule(text);
    } catch (error) {
      if (error instanceof DomainError) {
        context.addIssue({ code: "custom", message: error.message });
        return z.NEVER;
      }
      throw error;
    }
  };
}

// Tabs, line breaks and other control characters would break shelf labels and receipts.
const printable = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Too long: at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, "Control characters (tabs, line breaks) are not allowed");

const required = (max: number) => printable(max).min(1, "Required: the cell is empty");

/** An empty cell clears the field. */
const optional = <T>(schema: z.ZodType<T, string>) =>
  z.string().transform((text, context): T | null => {
    if (text.trim() === "") return null;
    const result = schema.safeParse(text);
    if (result.success) return result.data;
    for (const issue of result.error.issues) context.addIssue({ code: "custom", message: issue.message });
    return z.NEVER;
  });

const maxPriceMinor = 100_000_000;

function priceRule(currency: string) {
  return (text: string): number => {
    if (text.startsWith("-")) {
      throw new DomainError("MONEY_FORMAT", `Invalid price '${text}': a price must not be negative`);
    }
    const minor = parseMoney(text, currency);
    if (minor > maxPriceMinor) {
      throw new DomainError(
        "MONEY_RANGE",
        `Invalid price '${text}': at most ${minorToDecimalString(maxPriceMinor, currency)}`,
      );
    }
    return minor;
  };
}

function priceMinorRule(text: string): number {
  if (text.startsWith("-")) {
    throw new DomainError("MONEY_FORMAT", `Invalid price '${text}': a price must not be negative`);
  }
  if (!/^\d+$/.test(text)) {
    throw new DomainError(
      "MONEY_FORMAT",
      `Invalid price '${text}': price_minor is a whole number of minor units`,
    );
  }
  const minor = Number(text);
  if (minor > maxPriceMinor)
    throw new DomainError("MONEY_RANGE", `Invalid price '${text}': at most ${maxPriceMinor}`);
  return minor;
}

/** Quantities the products' CHECK constraints keep positive or non-negative, in thousandths. */
function quantityRule(what: string, positive: boolean) {
  return (text: string): number => {
    if (text.startsWith("-")) {
      throw new DomainError("QUANTITY_RANGE", `Invalid ${what} '${text}': must not be negative`);
    }
    const milli = parseQuantity(text);
    if (positive && milli === 0)
      throw new DomainError("QUANTITY_RANGE", `Invalid ${what} '${text}': must be more than 0`);
    return milli;
  };
}

function gtinRule(text: string): string {
  const gtin14 = normalizeGtin(text);
  // A scan in these ranges is read as an in-store label (see classifyScan): as a GTIN it would never be found.
  if (gtin14.startsWith("0") && isVariableMeasurePrefix(gtin14.slice(1))) {
    throw new DomainError(
      "BARCODE_FORMAT",
      `'${text}' is in the GS1 variable-measure range (02, 20-29): list its item reference under variable_measure`,
    );
  }
  return gtin14;
}

const booleans: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  y: true,
  n: false,
  "1": true,
  "0": false,
};

/** The parsers of one store's cells: prices in its currency, item references by its nomenclature. */
export function cellSchemas(store: { currency: string; nomenclature: Nomenclature }) {
  // Empty parts are skipped: "a|" and "a||b" are slips, not codes.
  const codes = (rule: (text: string) => string) =>
    z.string().transform((text, context): ListedCode[] => {
      const written = text
        .split(codeSeparator)
        .map((part) => part.trim())
        .filter((part) => part !== "");
      return written.map((code) => ({ code: domainRule(rule)(code, context), written: code }));
    });
  return {
    sku: required(64).regex(/^\S+$/, "A SKU has no spaces"),
    name_en: required(200),
    name_zh: required(200),
    category: required(64),
    unit_of_sale: z
      .string()
      .trim()
      .toUpperCase()
      .pipe(z.enum(["EACH", "WEIGHT"], { error: "Expected EACH or WEIGHT" })),
    price: z
      .string()
      .trim()
      .transform(domainRule(priceRule(store.currency))),
    price_minor: z.string().trim().transform(domainRule(priceMinorRule)),
    gtin: codes(gtinRule),
    plu: codes((text) => parsePlu(text).plu),
    variable_measure: codes((text) => {
      variableMeasureRuleFor(text, store.nomenclature);
      return text;
    }),
    brand: optional(printable(100)),
    content_amount: optional(
      z
        .string()
        .trim()
        .transform(domainRule(quantityRule("content amount", true))),
    ),
    content_unit: optional(
      z
        .string()
        .trim()
        .toLowerCase()
        .pipe(
          z.enum(contentUnits, { error: `Expected ${contentUnits.join(", ")} (grams, millilitres, pieces)` }),
        ),
    ),
    minimum_age: optional(
      z
        .string()
        .trim()
        .regex(/^\d+$/, "Expected a whole number of years")
        .transform(Number)
        .pipe(z.number().max(99, "At most 99 years")),
    ),
    low_stock_threshold: optional(
      z
        .string()
        .trim()
        .transform(domainRule(quantityRule("low-stock threshold", false))),
    ),
    active: z
      .string()
      .trim()
      .toLowerCase()
      .transform((text, context) => {
        const value = booleans[text];
        if (value === undefined) {
          context.addIssue({ code: "custom", message: "Expected true or false (yes/no, 1/0 also do)" });
          return z.NEVER;
        }
        return value;
      }),
  } satisfies Record<CatalogColumn, z.ZodType<unknown, string>>;
}

export type CellSchemas = ReturnType<typeof cellSchemas>;

/** One row's cells checked on their own; issues name the row's line and the column. */
export function readRow(
  record: CsvRecord,
  header: CatalogHeader,
  schemas: CellSchemas,
): { row: CatalogRow | null; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  if (record.cells.length !== header.names.length) {
    issues.push({
      line: record.line,
      column: "",
      value: "",
      reason: `The row has ${record.cells.length} cells, the header ${header.names.length}`,
    });
    return { row: null, issues };
  }
  function cell<C extends CatalogColumn>(column: C): z.output<CellSchemas[C]> | undefined {
    const index = header.columns.get(column);
    if (index === undefined) return undefined;
    const value = record.cells[index] ?? "";
    const result = schemas[column].safeParse(value);
    if (result.success) return result.data as z.output<CellSchemas[C]>;
    const reason = result.error.issues.map((issue) => issue.message).join("; ");
    issues.push({ line: record.line, column: header.names[index] ?? column, value, reason });
    return undefined;
  }
  const priceText = (column: "price" | "price_minor") => {
    const index = header.columns.get(column);
    return index === undefined ? "" : (record.cells[index] ?? "").trim();
  };
  const sku = cell("sku");
  const codes: CatalogRow["codes"] = {};
  for (const [column, kind] of Object.entries(barcodeColumns) as Array<[BarcodeColumn, BarcodeKind]>) {
    const listed = cell(column);
    if (listed) codes[kind] = listed;
  }
  const row: CatalogRow = {
    line: record.line,
    cells: record.cells,
    sku: sku ?? "",
    nameEn: cell("name_en"),
    nameZh: cell("name_zh"),
    categoryCode: cell("category"),
    unitOfSale: cell("unit_of_sale"),
    // An empty price cell leaves the price as it is: the price book never goes back to "unpriced".
    priceMinor:
      priceText("price") !== ""
        ? cell("price")
        : priceText("price_minor") !== ""
          ? cell("price_minor")
          : undefined,
    codes,
    brand: cell("brand"),
    contentAmountMilli: cell("content_amount"),
    contentUnit: cell("content_unit"),
    minimumAge: cell("minimum_age"),
    lowStockThresholdMilli: header.columns.has("low_stock_threshold")
      ? (cell("low_stock_threshold") ?? 0)
      : undefined,
    active: cell("active"),
  };
  return {
    row: issues.length > 0 || sku === undefined ? null : row,
    issues: issues.sort(issueOrder(header)),
  };
}
