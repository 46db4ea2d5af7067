import svelte from "@store/eslint-config/svelte";
import svelteConfig from "./svelte.config.js";

export default [
  ...svelte,
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: { parserOptions: { svelteConfig } },
  },
];
