export { default as Badge, type BadgeProps, type BadgeVariant } from "./badge.svelte";
