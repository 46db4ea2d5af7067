-- CreateIndex
CREATE INDEX "Product_nameEn_id_idx" ON "Product"("nameEn", "id");
