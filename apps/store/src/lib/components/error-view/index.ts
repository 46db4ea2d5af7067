export { default as ErrorView } from "./error-view.svelte";
