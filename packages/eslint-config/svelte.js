import svelte from "eslint-plugin-svelte";
import globals from "globals";
import tseslint from "typescript-eslint";
import base from "./base.js";

export default tseslint.config(
  ...base,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: { projectService: true, extraFileExtensions: [".svelte"], parser: tseslint.parser },
    },
    // TypeScript checks names itself and knows ambient types such as `App.Error`;
    // typescript-eslint turns this rule off for .ts files, but not for .svelte ones.
    rules: { "no-undef": "off" },
  },
  ...svelte.configs.prettier,
);
