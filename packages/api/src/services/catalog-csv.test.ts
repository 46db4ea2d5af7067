import { defaultNomenclature } from "@store/domain";
import { describe, expect, it } from "vitest";
import { cellSchemas, readCsv, readHeader, readRow, type CatalogHeader, type CsvRecord } from "./catalog-csv";

const schemas = cellSchemas({ currency: "CNY", nomenclature: defaultNomenclature });

function records(text: string): CsvRecord[] {
  const read = readCsv(text);
  if ("issue" in read) throw new Error(read.issue.reason);
  return read.records;
}

function header(...names: string[]): CatalogHeader {
  const read = readHeader(names);
  if ("issues" in read) throw new Error(read.issues.map((issue) => issue.reason).join("; "));
  return read.header;
}

describe("readCsv", () => {
  it("gives each row the line it starts on, through a BOM, CRLF, blank lines and quoted line breaks", () => {
    const text = '\uFEFFsku,name_zh\r\nA-1,"全脂牛奶\r\n1升"\r\n\r\n,\r\nB-2,"可乐, ""零度"""\r\nC-3,酸奶';
    expect(records(text)).toEqual([
      { line: 1, cells: ["sku", "name_zh"] },
      { line: 2, cells: ["A-1", "全脂牛奶\n1升"] },
      { line: 6, cells: ["B-2", '可乐, "零度"'] },
      { line: 7, cells: ["C-3", "酸奶"] },
    ]);
  });

  it("reports a file it cannot read with the line the parser stopped at", () => {
    expect(readCsv('sku,name_en\nA,ok\nB,"unclosed\n')).toEqual({
      issue: expect.objectContaining({
        line: 3,
        column: "",
        reason: expect.stringMatching(/^Not readable as CSV: Quote Not Closed/) as unknown,
      }) as unknown,
    });
  });
});

describe("readHeader", () => {
  it("takes columns in any order and letter case, and 'barcode' for 'gtin'", () => {
    const read = readHeader(["Name EN", "SKU", "Barcode", "price_minor"]);
    expect("header" in read && [...read.header.columns]).toEqual([
      ["name_en", 0],
      ["sku", 1],
      ["gtin", 2],
      ["price_minor", 3],
    ]);
  });

  it("refuses unknown, repeated and conflicting columns, and a file without sku", () => {
    const read = readHeader(["gtin", "colour", "barcode", "price", "price_minor"]);
    expect("issues" in read && read.issues.map((issue) => [issue.line, issue.column, issue.reason])).toEqual([
      [1, "colour", expect.stringMatching(/^Unknown column 'colour': the columns are sku, name_en/)],
      [1, "barcode", "Column 'gtin' appears twice ('barcode' is another name for it)"],
      [1, "sku", "The header has no 'sku' column: every row names its product by SKU"],
      [1, "price_minor", "Columns 'price' and 'price_minor' both give the price: keep one"],
    ]);
  });
});

describe("readRow", () => {
  const columns = header(
    "sku",
    "name_en",
    "unit_of_sale",
    "price",
    "gtin",
    "plu",
    "variable_measure",
    "content_unit",
    "active",
  );
  const row = (...cells: string[]) => readRow({ line: 7, cells }, columns, schemas);

  it("reads every cell by its column's rule: GTINs normalized, money exact, codes split on |", () => {
    const { row: read, issues } = row(
      " DAIRY-1 ",
      "Milk",
      "weight",
      "12.50",
      "4006381333931 | 012345678905|",
      "4011",
      "2012345",
      "ML",
      "no",
    );
    expect(issues).toEqual([]);
    expect(read).toMatchObject({
      line: 7,
      sku: "DAIRY-1",
      nameEn: "Milk",
      unitOfSale: "WEIGHT",
      priceMinor: 1250,
      codes: {
        GTIN: [
          { code: "04006381333931", written: "4006381333931" },
          { code: "00012345678905", written: "012345678905" },
        ],
        PLU: [{ code: "4011", written: "4011" }],
        VARIABLE_MEASURE: [{ code: "2012345", written: "2012345" }],
      },
      contentUnit: "ml",
      active: false,
    });
  });

  it("leaves the price alone for an empty cell and clears optional fields", () => {
    expect(row("A", "Milk", "EACH", "", "", "", "", "", "yes").row).toMatchObject({
      priceMinor: undefined,
      codes: { GTIN: [], PLU: [], VARIABLE_MEASURE: [] },
      contentUnit: null,
    });
  });

  it("names the line, column, value and rule of every bad cell", () => {
    const { row: read, issues } = row(
      "A B",
      "",
      "BOX",
      "-3.00",
      "4006381333932",
      "1234",
      "2512345",
      "kg",
      "maybe",
    );
    expect(read).toBeNull();
    expect(issues.map((issue) => [issue.line, issue.column, issue.value, issue.reason])).toEqual([
      [7, "sku", "A B", "A SKU has no spaces"],
      [7, "name_en", "", "Required: the cell is empty"],
      [7, "unit_of_sale", "BOX", "Expected EACH or WEIGHT"],
      [7, "price", "-3.00", "Invalid price '-3.00': a price must not be negative"],
      [7, "gtin", "4006381333932", "Bad check digit in '4006381333932' (EAN-13): expected 1, got 2"],
      [7, "plu", "1234", expect.stringMatching(/^Invalid PLU '1234'/)],
      [7, "variable_measure", "2512345", "No variable-measure rule fits item reference '2512345'"],
      [7, "content_unit", "kg", "Expected g, ml, pcs (grams, millilitres, pieces)"],
      [7, "active", "maybe", "Expected true or false (yes/no, 1/0 also do)"],
    ]);
  });

  it("refuses a GTIN in the in-store label range and a price with more decimals than the currency", () => {
    const { issues } = row("A", "Milk", "EACH", "1.005", "2012345000018", "", "", "", "true");
    expect(issues.map((issue) => issue.reason)).toEqual([
      "Invalid amount '1.005': CNY has 2 decimal places, got 3",
      "'2012345000018' is in the GS1 variable-measure range (02, 20-29): list its item reference under variable_measure",
    ]);
  });

  it("refuses a row whose cell count differs from the header's", () => {
    expect(row("A", "Milk").issues).toEqual([
      { line: 7, column: "", value: "", reason: "The row has 2 cells, the header 9" },
    ]);
  });
});
