export { default as Card } from "./card.svelte";
export { default as CardContent } from "./card-content.svelte";
export { default as CardHeader } from "./card-header.svelte";
export { default as CardTitle } from "./card-title.svelte";
