import type { Locale } from "$lib/i18n";

declare global {
  namespace App {
    interface Error {
      message: string;
      /** Tells the error page which translated explanation to show. */
      code?: "INVENTORY_UNAVAILABLE" | "NOT_FOUND" | "PRODUCT_NOT_FOUND" | "UNEXPECTED";
    }
    interface Locals {
      locale: Locale;
    }
  }
}

export {};
