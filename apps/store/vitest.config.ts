import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// The root config runs this as the "store" project from the repository root. SvelteKit's own
// plugin reads svelte.config.js and src/ relative to the working directory, so it cannot be used
// here; the Svelte plugin (runes in *.svelte.ts) and the `$lib` alias are all these tests need.
export default defineProject({
  plugins: [svelte({ configFile: false })],
  resolve: {
    alias: { $lib: fileURLToPath(new URL("./src/lib", import.meta.url)) },
  },
  test: {
    name: "store",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
