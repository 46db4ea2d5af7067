-- CreateEnum
CREATE TYPE "ReplenishmentReason" AS ENUM ('GAP', 'LOW_STOCK', 'MANUAL');

-- CreateEnum
CREATE TYPE "ReplenishmentStatus" AS ENUM ('OPEN', 'DONE', 'CANCELLED');

-- CreateTable
CREATE TABLE "ReplenishmentTask" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "storeId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "fromLocationId" UUID NOT NULL,
    "toLocationId" UUID NOT NULL,
    "quantity" DECIMAL(14,3) NOT NULL,
    "reason" "ReplenishmentReason" NOT NULL,
    "status" "ReplenishmentStatus" NOT NULL DEFAULT 'OPEN',
    "note" TEXT,
    "alertEventId" BIGINT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "movedQuantity" DECIMAL(14,3),
    "completedAt" TIMESTAMP(3),
    "completedBy" TEXT,
    "reference" TEXT,
    "cancelledAt" TIMESTAMP(3),
    "cancelledBy" TEXT,
    "cancelReason" TEXT,

    CONSTRAINT "ReplenishmentTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReplenishmentTask_storeId_status_createdAt_idx" ON "ReplenishmentTask"("storeId", "status", "createdAt");

-- AddForeignKey
ALTER TABLE "ReplenishmentTask" ADD CONSTRAINT "ReplenishmentTask_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplenishmentTask" ADD CONSTRAINT "ReplenishmentTask_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplenishmentTask" ADD CONSTRAINT "ReplenishmentTask_fromLocationId_fkey" FOREIGN KEY ("fromLocationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReplenishmentTask" ADD CONSTRAINT "ReplenishmentTask_toLocationId_fkey" FOREIGN KEY ("toLocationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
