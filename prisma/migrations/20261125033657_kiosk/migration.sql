-- CreateEnum
CREATE TYPE "KioskSessionStatus" AS ENUM ('OPEN', 'PAID', 'ABANDONED');

-- CreateEnum
CREATE TYPE "KioskApprovalKind" AS ENUM ('AGE', 'BAGGING', 'REMOVAL', 'PRICE');

-- AlterTable
ALTER TABLE "Category" ADD COLUMN     "icon" TEXT;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "failureCode" TEXT,
ADD COLUMN     "failureReason" TEXT,
ADD COLUMN     "last4" TEXT,
ADD COLUMN     "sessionId" UUID;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "icon" TEXT;

-- AlterTable
ALTER TABLE "Store" ADD COLUMN     "address" TEXT,
ADD COLUMN     "kioskIdleTimeoutS" INTEGER NOT NULL DEFAULT 90,
ADD COLUMN     "kioskLocales" TEXT[] DEFAULT ARRAY['zh-CN', 'en']::TEXT[],
ADD COLUMN     "kioskRemovalNeedsApproval" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "KioskSession" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "storeId" UUID NOT NULL,
    "deviceId" UUID NOT NULL,
    "status" "KioskSessionStatus" NOT NULL DEFAULT 'OPEN',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "saleId" UUID,

    CONSTRAINT "KioskSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KioskApproval" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "sessionId" UUID NOT NULL,
    "kind" "KioskApprovalKind" NOT NULL,
    "subject" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "KioskApproval_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "KioskSession_saleId_key" ON "KioskSession"("saleId");

-- CreateIndex
CREATE INDEX "KioskSession_deviceId_status_idx" ON "KioskSession"("deviceId", "status");

-- CreateIndex
CREATE INDEX "KioskSession_storeId_startedAt_idx" ON "KioskSession"("storeId", "startedAt");

-- CreateIndex
CREATE INDEX "KioskApproval_sessionId_kind_idx" ON "KioskApproval"("sessionId", "kind");

-- CreateIndex
CREATE INDEX "Payment_sessionId_idx" ON "Payment"("sessionId");

-- CreateIndex
CREATE INDEX "Payment_status_updatedAt_idx" ON "Payment"("status", "updatedAt");

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "KioskSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KioskSession" ADD CONSTRAINT "KioskSession_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KioskSession" ADD CONSTRAINT "KioskSession_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KioskSession" ADD CONSTRAINT "KioskSession_saleId_fkey" FOREIGN KEY ("saleId") REFERENCES "Sale"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KioskApproval" ADD CONSTRAINT "KioskApproval_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "KioskSession"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KioskApproval" ADD CONSTRAINT "KioskApproval_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
