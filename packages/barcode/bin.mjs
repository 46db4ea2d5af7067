#!/usr/bin/env node
// `pnpm barcode:decode <files...>` resolves to this bin (not a package script) so that pnpm prints
// no script banner: stdout carries only the JSON lines.
import { register } from "tsx/esm/api";

register();
await import("./src/node/main.ts");
