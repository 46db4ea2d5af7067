-- CreateEnum
CREATE TYPE "LabelSyncStatus" AS ENUM ('PENDING', 'CONFIRMED', 'FAILED');

-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "productId" UUID;

-- CreateTable
CREATE TABLE "DeviceScan" (
    "id" BIGSERIAL NOT NULL,
    "storeId" UUID NOT NULL,
    "deviceId" UUID NOT NULL,
    "hostId" UUID,
    "seq" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "symbology" TEXT NOT NULL,
    "scannedAt" TIMESTAMP(3) NOT NULL,
    "messageKey" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceScan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShelfEstimate" (
    "deviceId" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "locationId" UUID NOT NULL,
    "grams" DECIMAL(14,3) NOT NULL,
    "units" DECIMAL(14,3) NOT NULL,
    "gap" BOOLEAN NOT NULL,
    "low" BOOLEAN NOT NULL,
    "systemOnHand" DECIMAL(14,3) NOT NULL,
    "measuredAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShelfEstimate_pkey" PRIMARY KEY ("deviceId")
);

-- CreateTable
CREATE TABLE "LabelState" (
    "deviceId" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "contentHash" TEXT NOT NULL,
    "transaction" TEXT NOT NULL,
    "status" "LabelSyncStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "sentAt" TIMESTAMP(3),
    "confirmedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabelState_pkey" PRIMARY KEY ("deviceId")
);

-- CreateIndex
CREATE INDEX "DeviceScan_storeId_receivedAt_idx" ON "DeviceScan"("storeId", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceScan_deviceId_messageKey_key" ON "DeviceScan"("deviceId", "messageKey");

-- CreateIndex
CREATE INDEX "ShelfEstimate_storeId_idx" ON "ShelfEstimate"("storeId");

-- CreateIndex
CREATE INDEX "LabelState_storeId_status_idx" ON "LabelState"("storeId", "status");

-- CreateIndex
CREATE INDEX "Device_boundToId_idx" ON "Device"("boundToId");

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceScan" ADD CONSTRAINT "DeviceScan_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceScan" ADD CONSTRAINT "DeviceScan_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceScan" ADD CONSTRAINT "DeviceScan_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Device"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelfEstimate" ADD CONSTRAINT "ShelfEstimate_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelfEstimate" ADD CONSTRAINT "ShelfEstimate_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelfEstimate" ADD CONSTRAINT "ShelfEstimate_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShelfEstimate" ADD CONSTRAINT "ShelfEstimate_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelState" ADD CONSTRAINT "LabelState_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelState" ADD CONSTRAINT "LabelState_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelState" ADD CONSTRAINT "LabelState_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
