import { env as rawEnv } from "$env/dynamic/private";
import { parseServerEnv } from "./env-schema";

/** Validated once, when the server starts (hooks.server.ts imports this module). */
export const env = parseServerEnv(rawEnv);
