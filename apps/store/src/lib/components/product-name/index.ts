export { default as ProductName } from "./product-name.svelte";
