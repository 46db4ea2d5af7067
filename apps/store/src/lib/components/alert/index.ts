export { default as Alert, type AlertProps, type AlertVariant } from "./alert.svelte";
