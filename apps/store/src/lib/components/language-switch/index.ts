export { default as LanguageSwitch } from "./language-switch.svelte";
