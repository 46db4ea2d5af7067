import { createHash, randomUUID } from "node:crypto";
import { Prisma, type Database } from "@store/db";
import { formatQuantity, minorToDecimalString, QUANTITY_SCALE, variableMeasureRuleFor } from "@store/domain";
import type { Actor } from "../auth/actor";
import { ServiceError } from "../errors";
import {
  barcodeColumns,
  catalogColumns,
  cellSchemas,
  codeSeparator,
  issueOrder,
  readCsv,
  readHeader,
  readRow,
  type BarcodeKind,
  type CatalogColumn,
  type CatalogHeader,
  type CatalogRow,
  type ImportIssue,
} from "./catalog-csv";
import { csvFile, exportStamp, type CsvFile } from "./csv-export";
import { idempotencyScope, idempotencyTtlMs, replayIfKnown, requestHash } from "./idempotency";
import { priceChanges, type PriceRequest } from "./prices";
import { isUniqueViolation, milliOf, utc } from "./sql";
import type { StoreDirectory } from "./stores";

export type ImportReport = {
  /** Names the import in its `catalog.import_progress` events and its audit-log entry. */
  importId: string;
  dryRun: boolean;
  /** No row has an error; unless a dry run, everything in the file is now in the catalog. */
  ok: boolean;
  /** Rows in the file, the header and blank rows not counted. */
  rows: number;
  created: number;
  updated: number;
  /** Rows that change nothing: the product is exactly as the row says. */
  unchanged: number;
  /** New price-book entries (a price.changed event each). */
  pricesChanged: number;
  /** In line order, the first `maxReportedIssues`; `errorCount` counts them all. */
  errors: ImportIssue[];
  errorCount: number;
};

export type ImportProgress = {
  importId: string;
  phase: "validating" | "writing" | "done";
  done: number;
  total: number;
};

export const importProgressEvent = "catalog.import_progress";

/** A report beyond this many errors would be too long to read; the count says how many more. */
export const maxReportedIssues = 1000;

/** Rows per progress event and per write statement. */
const chunkRows = 1000;

/** Generous: the writes are a few statements per thousand rows, and a cut-off would undo them all. */
const writeTimeoutMs = 300_000;

type Kind = BarcodeKind;
const kinds: readonly Kind[] = ["GTIN", "PLU", "VARIABLE_MEASURE"];
const columnOfKind = Object.fromEntries(
  Object.entries(barcodeColumns).map(([column, kind]) => [kind, column as CatalogColumn]),
) as Record<Kind, CatalogColumn>;

type StoredBarcode = { id: string; kind: Kind; code: string; isPrimary: boolean };

/** A product as the CSV columns see it, with the store's effective price. */
type StoredProduct = {
  id: string;
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  categoryCode: string;
  unitOfSale: "EACH" | "WEIGHT";
  contentAmount: string | null;
  contentUnit: string | null;
  minimumAge: number | null;
  lowStockThreshold: string;
  active: boolean;
  priceMinor: number | null;
  barcodes: StoredBarcode[];
};

/** Product columns as PostgreSQL text for jsonb_to_recordset (quantities exact). */
type ProductFields = {
  sku: string;
  nameEn: string;
  nameZh: string;
  brand: string | null;
  categoryCode: string;
  unitOfSale: "EACH" | "WEIGHT";
  contentAmount: string | null;
  contentUnit: string | null;
  minimumAge: number | null;
  lowStockThreshold: string;
  active: boolean;
};

/** What one valid row changes. */
type RowPlan = {
  sku: string;
  existing: StoredProduct | undefined;
  /** Null when the product's own columns stay as they are. */
  fields: ProductFields | null;
  deleteBarcodeIds: string[];
  insertBarcodes: Array<{ sku: string; kind: Kind; code: string; isPrimary: boolean }>;
  primaryChanges: Array<{ id: string; isPrimary: boolean }>;
  priceMinor: number | null;
};

/**
 * Products as the CSV columns see them, by SKU. Prices and barcodes are joined as sets rather
 * than looked up row by row: an import or export reads thousands of products at once.
 */
function storedProductsQuery(
  storeId: string,
  now: Date,
  where: Prisma.Sql,
  limit: number | null,
): Prisma.Sql {
  return Prisma.sql`
    WITH chosen AS MATERIALIZED (
      SELECT p.id FROM "Product" p WHERE ${where}
      ORDER BY p.sku ${limit === null ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}),
    prices AS (
      SELECT DISTINCT ON (pb."productId") pb."productId", pb."priceMinor"
      FROM "PriceBookEntry" pb JOIN chosen ON chosen.id = pb."productId"
      WHERE pb."storeId" = ${storeId}::uuid AND pb."validFrom" <= ${utc(now)}
      ORDER BY pb."productId", pb."validFrom" DESC),
    codes AS (
      SELECT b."productId", jsonb_agg(jsonb_build_object('id', b.id::text, 'kind', b.kind::text, 'code', b.code,
               'isPrimary', b."isPrimary") ORDER BY b.kind, b."isPrimary" DESC, b.code) AS barcodes
      FROM "Barcode" b JOIN chosen ON chosen.id = b."productId"
      GROUP BY b."productId")
    SELECT p.id::text AS id, p.sku, p."nameEn", p."nameZh", p.brand, c.code AS "categoryCode",
           p."unitOfSale"::text AS "unitOfSale", trim_scale(p."contentAmount")::text AS "contentAmount", p."contentUnit",
           p."minimumAge", trim_scale(p."lowStockThreshold")::text AS "lowStockThreshold", p.active,
           prices."priceMinor", coalesce(codes.barcodes, '[]'::jsonb) AS barcodes
    FROM chosen JOIN "Product" p ON p.id = chosen.id JOIN "Category" c ON c.id = p."categoryId"
    LEFT JOIN prices ON prices."productId" = p.id LEFT JOIN codes ON codes."productId" = p.id
    ORDER BY p.sku`;
}

const barcodeKey = (kind: Kind, code: string) => `${kind}:${code}`;

/** The product's barcode to show first (receipts, searches): kept while still listed, else the first listed. */
function primaryOf(
  codes: ReadonlyArray<{ kind: Kind; code: string }>,
  current: StoredBarcode | undefined,
): string | null {
  if (current && codes.some((entry) => entry.kind === current.kind && entry.code === current.code)) {
    return barcodeKey(current.kind, current.code);
  }
  const first = codes[0];
  return first ? barcodeKey(first.kind, first.code) : null;
}

function sameFields(fields: ProductFields, stored: StoredProduct): boolean {
  return (
    fields.nameEn === stored.nameEn &&
    fields.nameZh === stored.nameZh &&
    fields.brand === stored.brand &&
    fields.categoryCode === stored.categoryCode &&
    fields.unitOfSale === stored.unitOfSale &&
    fields.contentAmount === stored.contentAmount &&
    fields.contentUnit === stored.contentUnit &&
    fields.minimumAge === stored.minimumAge &&
    fields.lowStockThreshold === stored.lowStockThreshold &&
    fields.active === stored.active
  );
}

export type CatalogCsvService = ReturnType<typeof createCatalogCsvService>;

export function createCatalogCsvService(db: Database, stores: StoreDirectory) {
  async function announce(
    client: Pick<Prisma.TransactionClient, "event">,
    actor: Actor,
    progress: ImportProgress & Record<string, unknown>,
  ): Promise<void> {
    await client.event.create({
      data: {
        storeId: actor.storeId,
        type: importProgressEvent,
        subject: progress.importId,
        payload: progress as Prisma.InputJsonObject,
        createdAt: new Date(),
      },
    });
  }

  /**
   * Checks every row of a catalog CSV and, when none has an error and this is no dry run, writes
   * them all in one transaction: products upserted by SKU, their barcodes, and a price-book entry
   * from now for each changed price (with its price.changed event, as prices.set records one).
   * A file with any error changes nothing. Progress goes out as `catalog.import_progress` events
   * every thousand rows. A retry with the same key gets the first import's report back.
   */
  async function importCsv(
    actor: Actor,
    input: { idempotencyKey: string; csv: string; dryRun: boolean },
  ): Promise<ImportReport> {
    const { idempotencyKey, ...request } = input;
    const scope = idempotencyScope(actor.storeId, "catalog.importCsv");
    const hash = requestHash(request);
    if (!input.dryRun) {
      const known = await replayIfKnown<ImportReport>(db, scope, idempotencyKey, hash);
      if (known) return known;
    }
    const importId = randomUUID();
    const store = await stores.get(actor.storeId);
    const issues: ImportIssue[] = [];
    let header: CatalogHeader | null = null;
    const finish = async (
      report: Omit<ImportReport, "importId" | "dryRun" | "errors" | "errorCount" | "ok">,
    ) => {
      issues.sort(issueOrder(header));
      const result: ImportReport = {
        importId,
        dryRun: input.dryRun,
        ok: issues.length === 0,
        ...report,
        errors: issues.slice(0, maxReportedIssues),
        errorCount: issues.length,
      };
      await announce(db.prisma, actor, doneEvent(result));
      return result;
    };
    const nothing = { created: 0, updated: 0, unchanged: 0, pricesChanged: 0 };

    const read = readCsv(input.csv);
    if ("issue" in read) {
      issues.push(read.issue);
      return finish({ rows: 0, ...nothing });
    }
    const [headerRecord, ...records] = read.records;
    if (!headerRecord) {
      issues.push({
        line: 1,
        column: "",
        value: "",
        reason: "The file is empty: it needs a header row naming the columns",
      });
      return finish({ rows: 0, ...nothing });
    }
    const headerRead = readHeader(headerRecord.cells);
    if ("issues" in headerRead) {
      issues.push(...headerRead.issues);
      return finish({ rows: records.length, ...nothing });
    }
    header = headerRead.header;

    const schemas = cellSchemas(store);
    const rows: CatalogRow[] = [];
    for (const [index, record] of records.entries()) {
      const { row, issues: found } = readRow(record, header, schemas);
      issues.push(...found);
      if (row) rows.push(row);
      if ((index + 1) % chunkRows === 0 && index + 1 < records.length) {
        await announce(db.prisma, actor, {
          importId,
          phase: "validating",
          done: index + 1,
          total: records.length,
        });
      }
    }

    const now = new Date();
    const [categories, stored] = await Promise.all([
      db.prisma.category.findMany({ select: { code: true } }),
      loadStored(actor.storeId, rows, now),
    ]);
    const plans = checkRows(
      rows,
      header,
      stored,
      new Set(categories.map((category) => category.code)),
      store,
      issues,
    );
    await announce(db.prisma, actor, {
      importId,
      phase: "validating",
      done: records.length,
      total: records.length,
    });

    const created = plans.filter((plan) => !plan.existing).length;
    const changed = plans.filter((plan) => plan.existing && changes(plan)).length;
    const prices = plans.filter((plan) => plan.priceMinor !== null).length;
    const counts = {
      rows: records.length,
      created,
      updated: changed,
      unchanged: plans.length - created - changed,
      pricesChanged: prices,
    };
    if (issues.length > 0) return finish({ rows: records.length, ...nothing });
    if (input.dryRun) return finish(counts);

    const report: ImportReport = { importId, dryRun: false, ok: true, ...counts, errors: [], errorCount: 0 };
    try {
      await write(actor, plans, report, { scope, idempotencyKey, hash, csv: input.csv });
    } catch (error) {
      const replay = await replayIfKnown<ImportReport>(db, scope, idempotencyKey, hash);
      if (replay) return replay;
      if (isUniqueViolation(error)) {
        throw new ServiceError(
          "CATALOG_CONFLICT",
          "The catalog changed while the file was imported (a barcode or price was taken meanwhile): nothing was imported; import it again",
        );
      }
      throw error;
    }
    return report;
  }

  function doneEvent(report: ImportReport): ImportProgress & Record<string, unknown> {
    return {
      importId: report.importId,
      phase: "done",
      done: report.rows,
      total: report.rows,
      ok: report.ok,
      dryRun: report.dryRun,
      created: report.created,
      updated: report.updated,
      errorCount: report.errorCount,
    };
  }

  /** The products the rows name (any letter case), and those holding the barcodes they list. */
  async function loadStored(
    storeId: string,
    rows: readonly CatalogRow[],
    now: Date,
  ): Promise<StoredProduct[]> {
    if (rows.length === 0) return [];
    const skus = JSON.stringify(rows.map((row) => row.sku.toLowerCase()));
    const codes = JSON.stringify(
      rows.flatMap((row) =>
        kinds.flatMap((kind) => (row.codes[kind] ?? []).map((listed) => ({ kind, code: listed.code }))),
      ),
    );
    return db.prisma.$queryRaw<StoredProduct[]>(
      storedProductsQuery(
        storeId,
        now,
        Prisma.sql`lower(p.sku) IN (SELECT value FROM jsonb_array_elements_text(${skus}::jsonb))
          OR p.id IN (SELECT b."productId" FROM "Barcode" b
                      JOIN jsonb_to_recordset(${codes}::jsonb) AS k(kind text, code text)
                        ON b.kind = k.kind::"BarcodeKind" AND b.code = k.code)`,
        null,
      ),
    );
  }

  /**
   * The rules a row can only be held to with the others and the database in view: one row per
   * SKU, known categories, what a product needs once the row is applied to what it has, and
   * every barcode on one product only (one that another product in the file gives up may move).
   */
  function checkRows(
    rows: readonly CatalogRow[],
    header: CatalogHeader,
    stored: readonly StoredProduct[],
    categories: ReadonlySet<string>,
    store: Parameters<typeof cellSchemas>[0],
    issues: ImportIssue[],
  ): RowPlan[] {
    const nameOf = (column: CatalogColumn) => {
      const index = header.columns.get(column);
      return index === undefined ? column : (header.names[index] ?? column);
    };
    const cellOf = (row: CatalogRow, column: CatalogColumn) =>
      row.cells[header.columns.get(column) ?? -1] ?? "";
    const bySku = new Map(stored.map((product) => [product.sku, product]));
    const byLowerSku = new Map(stored.map((product) => [product.sku.toLowerCase(), product]));
    const owners = new Map<string, StoredProduct>();
    for (const product of stored)
      for (const barcode of product.barcodes) owners.set(barcodeKey(barcode.kind, barcode.code), product);
    const rowsBySku = new Map<string, CatalogRow>();
    const rowsByLowerSku = new Map<string, CatalogRow>();
    const listedAt = new Map<string, { row: CatalogRow; written: string }>();
    const plans: RowPlan[] = [];

    for (const row of rows) {
      const issue = (column: CatalogColumn, reason: string, value = cellOf(row, column)) =>
        issues.push({ line: row.line, column: nameOf(column), value, reason });
      const lower = row.sku.toLowerCase();
      const twin = rowsBySku.get(row.sku) ?? rowsByLowerSku.get(lower);
      if (twin) {
        issue(
          "sku",
          twin.sku === row.sku
            ? `SKU '${row.sku}' is also on line ${twin.line}: a product takes one row`
            : `SKU '${row.sku}' differs from '${twin.sku}' on line ${twin.line} only in letter case`,
        );
        continue;
      }
      rowsBySku.set(row.sku, row);
      rowsByLowerSku.set(lower, row);
      const existing = bySku.get(row.sku);
      const caseTwin = existing ? undefined : byLowerSku.get(lower);
      if (caseTwin) {
        issue("sku", `SKU '${row.sku}' differs from existing product '${caseTwin.sku}' only in letter case`);
        continue;
      }
      const before = issues.length;
      const need = <T>(column: CatalogColumn, value: T | undefined): T | undefined => {
        if (value === undefined)
          issue(column, `Required for a new product: the file has no ${column} column`, "");
        return value;
      };
      const nameEn = row.nameEn ?? existing?.nameEn ?? need("name_en", row.nameEn);
      const nameZh = row.nameZh ?? existing?.nameZh ?? need("name_zh", row.nameZh);
      const categoryCode = row.categoryCode ?? existing?.categoryCode ?? need("category", row.categoryCode);
      if (row.categoryCode !== undefined && !categories.has(row.categoryCode)) {
        issue("category", `Unknown category '${row.categoryCode}': no category has this code`);
      }
      const unitOfSale = row.unitOfSale ?? existing?.unitOfSale ?? "EACH";
      const contentAmount =
        row.contentAmountMilli !== undefined
          ? row.contentAmountMilli === null
            ? null
            : formatQuantity(row.contentAmountMilli)
          : (existing?.contentAmount ?? null);
      const contentUnit = row.contentUnit !== undefined ? row.contentUnit : (existing?.contentUnit ?? null);
      if ((contentAmount === null) !== (contentUnit === null)) {
        issue(
          contentAmount === null ? "content_amount" : "content_unit",
          "Net content takes both content_amount and content_unit (or neither)",
        );
      }
      const threshold =
        row.lowStockThresholdMilli !== undefined
          ? row.lowStockThresholdMilli
          : existing
            ? milliOf(existing.lowStockThreshold)
            : 0;
      if (unitOfSale === "EACH" && threshold % QUANTITY_SCALE !== 0) {
        issue(
          "low_stock_threshold",
          `A product sold by the piece has a whole-number low-stock threshold, not ${formatQuantity(threshold)}`,
        );
      }

      const finalCodes = kinds.map((kind) => ({
        kind,
        listed: row.codes[kind],
        codes:
          row.codes[kind]?.map((listed) => listed.code) ??
          existing?.barcodes.filter((barcode) => barcode.kind === kind).map((barcode) => barcode.code) ??
          [],
      }));
      const codesOf = (kind: Kind) => finalCodes.find((entry) => entry.kind === kind)?.codes ?? [];
      if (
        unitOfSale === "WEIGHT" &&
        codesOf("GTIN").length > 0 &&
        codesOf("PLU").length + codesOf("VARIABLE_MEASURE").length === 0
      ) {
        issue(
          row.codes.GTIN ? "gtin" : "unit_of_sale",
          "A product sold by weight needs a PLU or a variable-measure item reference: a GTIN alone carries no weight to the till",
        );
      }
      for (const { kind, listed } of finalCodes) {
        for (const entry of listed ?? []) {
          const key = barcodeKey(kind, entry.code);
          const earlier = listedAt.get(key);
          if (earlier) {
            issue(
              columnOfKind[kind],
              earlier.row === row
                ? `'${entry.written}' is listed twice (as '${earlier.written}' too)`
                : `'${entry.written}' is also listed on line ${earlier.row.line} (SKU ${earlier.row.sku}): a barcode belongs to one product`,
              entry.written,
            );
            continue;
          }
          listedAt.set(key, { row, written: entry.written });
          if (kind === "VARIABLE_MEASURE" && unitOfSale === "EACH") {
            const rule = variableMeasureRuleFor(entry.code, store.nomenclature);
            if (rule.kind === "weight") {
              issue(
                "variable_measure",
                `Item reference '${entry.written}' is for labels carrying a weight (rule ${rule.prefix}), but the product is sold by the piece`,
                entry.written,
              );
            }
          }
        }
      }
      if (
        issues.length > before ||
        nameEn === undefined ||
        nameZh === undefined ||
        categoryCode === undefined
      )
        continue;

      const fields: ProductFields = {
        sku: row.sku,
        nameEn,
        nameZh,
        brand: row.brand !== undefined ? row.brand : (existing?.brand ?? null),
        categoryCode,
        unitOfSale,
        contentAmount,
        contentUnit,
        minimumAge: row.minimumAge !== undefined ? row.minimumAge : (existing?.minimumAge ?? null),
        lowStockThreshold: formatQuantity(threshold),
        active: row.active ?? existing?.active ?? true,
      };
      const all = finalCodes.flatMap(({ kind, codes }) => codes.map((code) => ({ kind, code })));
      const primary = primaryOf(
        all,
        existing?.barcodes.find((barcode) => barcode.isPrimary),
      );
      const kept = new Map(
        (existing?.barcodes ?? []).map((barcode) => [barcodeKey(barcode.kind, barcode.code), barcode]),
      );
      const finalKeys = new Set(all.map(({ kind, code }) => barcodeKey(kind, code)));
      plans.push({
        sku: row.sku,
        existing,
        fields: existing && sameFields(fields, existing) ? null : fields,
        deleteBarcodeIds: [...kept.entries()]
          .filter(([key]) => !finalKeys.has(key))
          .map(([, barcode]) => barcode.id),
        insertBarcodes: all
          .filter(({ kind, code }) => !kept.has(barcodeKey(kind, code)))
          .map(({ kind, code }) => ({
            sku: row.sku,
            kind,
            code,
            isPrimary: barcodeKey(kind, code) === primary,
          })),
        primaryChanges: [...kept.entries()]
          .filter(([key, barcode]) => finalKeys.has(key) && barcode.isPrimary !== (key === primary))
          .map(([key, barcode]) => ({ id: barcode.id, isPrimary: key === primary })),
        priceMinor:
          row.priceMinor !== undefined && row.priceMinor !== existing?.priceMinor ? row.priceMinor : null,
      });
    }

    // A barcode another product holds may move only when that product's row gives it up.
    for (const [key, { row, written }] of listedAt) {
      const owner = owners.get(key);
      if (!owner || owner.sku === row.sku) continue;
      const kind = key.slice(0, key.indexOf(":")) as Kind;
      // The owner's row, if any, does not list it: one key is listed by one row (twice is an error above).
      if (rowsBySku.get(owner.sku)?.codes[kind] === undefined) {
        issues.push({
          line: row.line,
          column: nameOf(columnOfKind[kind]),
          value: written,
          reason: `'${written}' is the barcode of ${owner.sku} (${owner.nameEn}): a barcode belongs to one product`,
        });
      }
    }
    return plans;
  }

  /**
   * Everything in one transaction: barcodes given up are deleted first (so one may move to
   * another product), then, a thousand rows at a time, products upserted by SKU, barcodes added
   * or re-flagged, prices recorded as prices.set records them. On PostgreSQL the progress events
   * go out on their own connection as the writes proceed; PGlite has one connection, which the
   * transaction holds, so there they commit with the import.
   */
  async function write(
    actor: Actor,
    plans: readonly RowPlan[],
    report: ImportReport,
    request: { scope: string; idempotencyKey: string; hash: string; csv: string },
  ): Promise<void> {
    const { importId } = report;
    const total = report.rows;
    const work = plans.filter(changes);
    await announce(db.prisma, actor, { importId, phase: "writing", done: 0, total });
    await db.prisma.$transaction(
      async (tx) => {
        const now = new Date();
        const at = utc(now);
        const progress = db.kind === "postgres" ? db.prisma : tx;
        const released = work.flatMap((plan) => plan.deleteBarcodeIds);
        if (released.length > 0) {
          await tx.$executeRaw`
            DELETE FROM "Barcode" WHERE id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(released)}::jsonb))`;
        }
        for (let start = 0; start < plans.length; start += chunkRows) {
          const chunk = plans.slice(start, start + chunkRows).filter(changes);
          const ids = new Map(
            chunk.flatMap((plan) => (plan.existing ? [[plan.sku, plan.existing.id] as const] : [])),
          );
          const upserts = chunk.flatMap((plan) => (plan.fields ? [plan.fields] : []));
          if (upserts.length > 0) {
            const written = await tx.$queryRaw<Array<{ id: string; sku: string }>>`
              INSERT INTO "Product" (sku, "nameEn", "nameZh", brand, "categoryId", "unitOfSale", "contentAmount", "contentUnit",
                                     "minimumAge", "lowStockThreshold", active, "temperatureZone", "createdAt", "updatedAt")
              SELECT r.sku, r."nameEn", r."nameZh", r.brand, c.id, r."unitOfSale"::"UnitOfSale", r."contentAmount"::numeric,
                     r."contentUnit", r."minimumAge", r."lowStockThreshold"::numeric, r.active, c."temperatureZone", ${at}, ${at}
              FROM jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb) AS r(sku text, "nameEn" text, "nameZh" text, brand text,
                     "categoryCode" text, "unitOfSale" text, "contentAmount" text, "contentUnit" text, "minimumAge" int,
                     "lowStockThreshold" text, active boolean)
              JOIN "Category" c ON c.code = r."categoryCode"
              ON CONFLICT (sku) DO UPDATE SET
                "nameEn" = excluded."nameEn", "nameZh" = excluded."nameZh", brand = excluded.brand,
                "categoryId" = excluded."categoryId",
                -- A product moved to another category takes its temperature zone (its totes follow it).
                "temperatureZone" = CASE WHEN "Product"."categoryId" = excluded."categoryId"
                                         THEN "Product"."temperatureZone" ELSE excluded."temperatureZone" END,
                "unitOfSale" = excluded."unitOfSale", "contentAmount" = excluded."contentAmount",
                "contentUnit" = excluded."contentUnit", "minimumAge" = excluded."minimumAge",
                "lowStockThreshold" = excluded."lowStockThreshold", active = excluded.active, "updatedAt" = excluded."updatedAt"
              RETURNING id::text AS id, sku`;
            if (written.length !== upserts.length) {
              throw new ServiceError(
                "CATALOG_CONFLICT",
                "A category the file names was removed while it was imported: nothing was imported; check the file and import it again",
              );
            }
            for (const row of written) ids.set(row.sku, row.id);
          }
          const idOf = (sku: string) => {
            const id = ids.get(sku);
            if (!id) throw new Error(`Product ${sku} has no id after its upsert`);
            return id;
          };
          const flags = chunk.flatMap((plan) => plan.primaryChanges);
          if (flags.length > 0) {
            await tx.$executeRaw`
              UPDATE "Barcode" b SET "isPrimary" = r."isPrimary"
              FROM jsonb_to_recordset(${JSON.stringify(flags)}::jsonb) AS r(id text, "isPrimary" boolean)
              WHERE b.id = r.id::uuid`;
          }
          const added = chunk.flatMap((plan) =>
            plan.insertBarcodes.map((barcode) => ({ ...barcode, productId: idOf(barcode.sku) })),
          );
          if (added.length > 0) {
            await tx.$executeRaw`
              INSERT INTO "Barcode" ("productId", kind, code, "isPrimary")
              SELECT r."productId"::uuid, r.kind::"BarcodeKind", r.code, r."isPrimary"
              FROM jsonb_to_recordset(${JSON.stringify(added)}::jsonb) AS r("productId" text, kind text, code text, "isPrimary" boolean)`;
          }
          const prices: PriceRequest[] = chunk.flatMap((plan) =>
            plan.priceMinor === null
              ? []
              : [{ productId: idOf(plan.sku), sku: plan.sku, priceMinor: plan.priceMinor }],
          );
          if (prices.length > 0) {
            await tx.$queryRaw`
              WITH ${priceChanges(actor.storeId, prices, now, now, actor.id)}
              SELECT (SELECT count(*) FROM price_announced)::int AS events`;
          }
          const done = Math.min(start + chunkRows, plans.length);
          if (done < plans.length)
            await announce(progress, actor, { importId, phase: "writing", done, total });
        }
        await tx.auditLog.create({
          data: {
            storeId: actor.storeId,
            actorKind: actor.kind,
            actorId: actor.id,
            action: "catalog.import",
            subject: `import:${importId}`,
            details: {
              importId,
              rows: report.rows,
              created: report.created,
              updated: report.updated,
              unchanged: report.unchanged,
              pricesChanged: report.pricesChanged,
              fileSha256: createHash("sha256").update(request.csv).digest("hex"),
            },
            createdAt: now,
          },
        });
        await tx.idempotencyKey.create({
          data: {
            scope: request.scope,
            key: request.idempotencyKey,
            requestHash: request.hash,
            response: report,
            createdAt: now,
            expiresAt: new Date(now.getTime() + idempotencyTtlMs),
          },
        });
        // In the transaction: "done" is seen exactly when the import is.
        await announce(tx, actor, doneEvent(report));
      },
      { timeout: writeTimeoutMs },
    );
  }

  /** Every product in the import's columns, by SKU, with the store's price now: it imports back unchanged. */
  async function exportProducts(actor: Actor): Promise<CsvFile> {
    const store = await stores.get(actor.storeId);
    const now = new Date();
    async function* records(): AsyncGenerator<string[]> {
      let after: string | null = null;
      for (;;) {
        const page: StoredProduct[] = await db.prisma.$queryRaw<StoredProduct[]>(
          storedProductsQuery(
            actor.storeId,
            now,
            after === null ? Prisma.sql`true` : Prisma.sql`p.sku > ${after}`,
            chunkRows,
          ),
        );
        for (const product of page) {
          const codes = (kind: Kind) =>
            product.barcodes
              .filter((barcode) => barcode.kind === kind)
              .map((barcode) => barcode.code)
              .join(codeSeparator);
          const cells: Record<(typeof catalogColumns)[number], string> = {
            sku: product.sku,
            name_en: product.nameEn,
            name_zh: product.nameZh,
            category: product.categoryCode,
            unit_of_sale: product.unitOfSale,
            price:
              product.priceMinor === null ? "" : minorToDecimalString(product.priceMinor, store.currency),
            gtin: codes("GTIN"),
            plu: codes("PLU"),
            variable_measure: codes("VARIABLE_MEASURE"),
            brand: product.brand ?? "",
            content_amount: product.contentAmount ?? "",
            content_unit: product.contentUnit ?? "",
            minimum_age: product.minimumAge === null ? "" : String(product.minimumAge),
            low_stock_threshold: product.lowStockThreshold,
            active: String(product.active),
          };
          yield catalogColumns.map((column) => cells[column]);
        }
        const last = page[page.length - 1];
        if (!last || page.length < chunkRows) return;
        after = last.sku;
      }
    }
    return csvFile(
      `${store.code}-products-${exportStamp(now, store.timezone)}.csv`,
      catalogColumns,
      records(),
    );
  }

  return { importCsv, exportProducts };
}

function changes(plan: RowPlan): boolean {
  return (
    plan.fields !== null ||
    plan.deleteBarcodeIds.length > 0 ||
    plan.insertBarcodes.length > 0 ||
    plan.primaryChanges.length > 0 ||
    plan.priceMinor !== null
  );
}
