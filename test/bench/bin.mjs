#!/usr/bin/env node
// `pnpm bench [name...]` resolves to this bin (not a package script) so that pnpm prints no
// script banner: stdout carries only the benchmarks' JSON lines.
import { register } from "tsx/esm/api";

register();
await import("./run.ts");
