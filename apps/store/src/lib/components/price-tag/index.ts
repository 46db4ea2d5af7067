export { default as PriceTag } from "./price-tag.svelte";
