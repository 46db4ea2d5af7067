export { default as ProductCard } from "./product-card.svelte";
