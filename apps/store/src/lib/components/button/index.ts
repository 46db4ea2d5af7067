export { default as Button, type ButtonProps, type ButtonSize, type ButtonVariant } from "./button.svelte";
