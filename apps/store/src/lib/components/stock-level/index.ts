export { default as StockLevel } from "./stock-level.svelte";
