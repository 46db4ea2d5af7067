export { default as SiteHeader } from "./site-header.svelte";
