import type { Database } from "@store/db";
import { formatQuantity } from "@store/domain";
import { ServiceError } from "../errors";
import { milliOf } from "./sql";
import type { StoreDirectory } from "./stores";

export type ReceiptLine = {
  nameEn: string;
  nameZh: string;
  /** A count (EACH) or grams (WEIGHT), exact decimal text. */
  quantity: string;
  unitOfSale: "EACH" | "WEIGHT";
  /** Per unit (EACH) or per kilogram (WEIGHT). */
  unitPriceMinor: number;
  grossMinor: number;
  discountMinor: number;
  totalMinor: number;
  promotionCodes: string[];
  promotionNames: Array<{ code: string; nameEn: string; nameZh: string }>;
};

export type Receipt = {
  saleId: string;
  number: number;
  createdAt: string;
  storeName: string;
  storeAddress: string | null;
  currency: string;
  locale: string;
  lines: ReceiptLine[];
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
  /** Tax included in the total, per rate, highest rate first. */
  taxByRate: Array<{ rateBp: number; taxMinor: number }>;
  payment: {
    method: "CARD" | "QR" | "CASH";
    status: string;
    amountMinor: number;
    last4: string | null;
  } | null;
};

export type ReceiptsService = ReturnType<typeof createReceiptsService>;

export function createReceiptsService(db: Database, stores: StoreDirectory) {
  /** A sale as its receipt shows it; the sale's random id is what lets one read it. */
  async function get(storeId: string, saleId: string): Promise<Receipt> {
    const sale = await db.prisma.sale.findFirst({
      where: { id: saleId, storeId },
      select: {
        id: true,
        number: true,
        createdAt: true,
        currency: true,
        subtotalMinor: true,
        discountMinor: true,
        taxMinor: true,
        totalMinor: true,
        lines: {
          orderBy: { lineNo: "asc" },
          select: {
            quantity: true,
            unitPriceMinor: true,
            grossMinor: true,
            discountMinor: true,
            totalMinor: true,
            taxRateBp: true,
            taxMinor: true,
            promotionCodes: true,
            product: { select: { nameEn: true, nameZh: true, unitOfSale: true } },
          },
        },
        payments: {
          where: { status: { in: ["AUTHORIZED", "CAPTURED", "REFUNDED"] } },
          orderBy: { createdAt: "desc" },
          take: 1,
          select: { method: true, status: true, amountMinor: true, last4: true },
        },
      },
    });
    if (!sale)
      throw new ServiceError("SALE_NOT_FOUND", `No receipt ${saleId}: no sale of this store has that id`, {
        saleId,
      });
    const store = await stores.get(storeId);
    const codes = [...new Set(sale.lines.flatMap((line) => line.promotionCodes))];
    const promotions = codes.length
      ? await db.prisma.promotion.findMany({
          where: { storeId, code: { in: codes } },
          select: { code: true, nameEn: true, nameZh: true },
        })
      : [];
    const promotionByCode = new Map(promotions.map((promotion) => [promotion.code, promotion]));
    const taxByRate = new Map<number, number>();
    for (const line of sale.lines)
      taxByRate.set(line.taxRateBp, (taxByRate.get(line.taxRateBp) ?? 0) + line.taxMinor);
    const payment = sale.payments[0];
    return {
      saleId: sale.id,
      number: sale.number,
      createdAt: sale.createdAt.toISOString(),
      storeName: store.name,
      storeAddress: store.address,
      currency: sale.currency,
      locale: store.locale,
      lines: sale.lines.map((line) => ({
        nameEn: line.product.nameEn,
        nameZh: line.product.nameZh,
        quantity: formatQuantity(milliOf(line.quantity.toFixed(3))),
        unitOfSale: line.product.unitOfSale,
        unitPriceMinor: line.unitPriceMinor,
        grossMinor: line.grossMinor,
        discountMinor: line.discountMinor,
        totalMinor: line.totalMinor,
        promotionCodes: line.promotionCodes,
        promotionNames: line.promotionCodes.map(
          (code) => promotionByCode.get(code) ?? { code, nameEn: code, nameZh: code },
        ),
      })),
      subtotalMinor: sale.subtotalMinor,
      discountMinor: sale.discountMinor,
      taxMinor: sale.taxMinor,
      totalMinor: sale.totalMinor,
      taxByRate: [...taxByRate.entries()]
        .sort(([a], [b]) => b - a)
        .map(([rateBp, taxMinor]) => ({ rateBp, taxMinor })),
      payment: payment
        ? {
            method: payment.method,
            status: payment.status,
            amountMinor: payment.amountMinor,
            last4: payment.last4,
          }
        : null,
    };
  }

  return { get };
}
