import type { PrismaClient } from "../generated/prisma/client";

/** The smallest catalog a stock test needs: a store, a category, a product and a shelf. */
export async function createStockFixture(prisma: PrismaClient) {
  const store = await prisma.store.create({
    data: {
      code: "SH-001",
      name: "Test store",
      latitude: 31.2304,
      longitude: 121.4737,
      nomenclature: {},
    },
  });
  const category = await prisma.category.create({
    data: { code: "dairy", nameEn: "Dairy", nameZh: "乳制品", taxRateBp: 1300 },
  });
  const product = await prisma.product.create({
    data: { sku: "MILK-1L", nameEn: "Milk 1 L", nameZh: "牛奶 1 升", categoryId: category.id },
  });
  const location = await prisma.location.create({
    data: {
      storeId: store.id,
      code: "A3-2-1",
      kind: "SHELF",
      zone: "chilled",
      aisle: "A3",
      bay: 2,
      shelf: 1,
      walkSequence: 10,
      x: 4.5,
      y: 12,
    },
  });
  return { store, category, product, location };
}
