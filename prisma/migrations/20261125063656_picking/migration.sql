-- CreateEnum
CREATE TYPE "OrderCaptureMoment" AS ENUM ('HANDOFF', 'DELIVERY');

-- CreateEnum
CREATE TYPE "PickBatchStatus" AS ENUM ('OPEN', 'DONE', 'RELEASED');

-- CreateEnum
CREATE TYPE "ToteStatus" AS ENUM ('OPEN', 'PACKED', 'STAGED', 'HANDED_OFF');

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "batchId" UUID,
ADD COLUMN     "courierRef" TEXT,
ADD COLUMN     "pickErrors" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pickScans" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pickStartedAt" TIMESTAMP(3),
ADD COLUMN     "walkLengthM" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "OrderLine" ADD COLUMN     "pickErrors" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pickScans" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "priceDifferenceMinor" INTEGER,
ADD COLUMN     "refundedQuantity" DECIMAL(14,3),
ADD COLUMN     "resolvedAt" TIMESTAMP(3),
ADD COLUMN     "substituteQuantity" DECIMAL(14,3),
ADD COLUMN     "substituteUnitPriceMinor" INTEGER;

-- AlterTable
ALTER TABLE "Store" ADD COLUMN     "floorPlan" JSONB,
ADD COLUMN     "orderCaptureOn" "OrderCaptureMoment" NOT NULL DEFAULT 'HANDOFF',
ADD COLUMN     "orderWeighedMarginBp" INTEGER NOT NULL DEFAULT 1500,
ADD COLUMN     "pickClaimTimeoutS" INTEGER NOT NULL DEFAULT 120;

-- CreateTable
CREATE TABLE "OrderPick" (
    "id" BIGSERIAL NOT NULL,
    "orderLineId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "locationId" UUID,
    "toteId" UUID NOT NULL,
    "scannedCode" TEXT NOT NULL,
    "quantity" DECIMAL(14,3) NOT NULL,
    "substitute" BOOLEAN NOT NULL DEFAULT false,
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderPick_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PickBatch" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "storeId" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "pickerId" TEXT NOT NULL,
    "deviceId" UUID,
    "status" "PickBatchStatus" NOT NULL DEFAULT 'OPEN',
    "route" JSONB NOT NULL,
    "walkLengthM" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "PickBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tote" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "storeId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "zone" "TemperatureZone" NOT NULL,
    "code" TEXT NOT NULL,
    "status" "ToteStatus" NOT NULL DEFAULT 'OPEN',
    "stagingLocationId" UUID,
    "packedAt" TIMESTAMP(3),
    "stagedAt" TIMESTAMP(3),
    "handedOffAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderPick_orderLineId_idx" ON "OrderPick"("orderLineId");

-- CreateIndex
CREATE INDEX "PickBatch_storeId_status_idx" ON "PickBatch"("storeId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "PickBatch_storeId_number_key" ON "PickBatch"("storeId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Tote_storeId_code_key" ON "Tote"("storeId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "Tote_orderId_zone_key" ON "Tote"("orderId", "zone");

-- CreateIndex
CREATE INDEX "Order_batchId_idx" ON "Order"("batchId");

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "PickBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderPick" ADD CONSTRAINT "OrderPick_orderLineId_fkey" FOREIGN KEY ("orderLineId") REFERENCES "OrderLine"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderPick" ADD CONSTRAINT "OrderPick_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderPick" ADD CONSTRAINT "OrderPick_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderPick" ADD CONSTRAINT "OrderPick_toteId_fkey" FOREIGN KEY ("toteId") REFERENCES "Tote"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PickBatch" ADD CONSTRAINT "PickBatch_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tote" ADD CONSTRAINT "Tote_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tote" ADD CONSTRAINT "Tote_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Tote" ADD CONSTRAINT "Tote_stagingLocationId_fkey" FOREIGN KEY ("stagingLocationId") REFERENCES "Location"("id") ON DELETE SET NULL ON UPDATE CASCADE;
