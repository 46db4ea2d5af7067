import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { ASYNCAPI_PATH, renderAsyncApiYaml } from "../src/asyncapi";

// Writes docs/asyncapi.yaml from the contract, formatted like the rest of the repository so
// `pnpm format` leaves it alone. The unit test `asyncapi.test.ts` fails when it is stale.
const path = fileURLToPath(new URL(`../../../${ASYNCAPI_PATH}`, import.meta.url));
const options = (await resolveConfig(path)) ?? {};
const text = await format(renderAsyncApiYaml(), { ...options, plugins: [], filepath: path });
await writeFile(path, text);
console.log(`Wrote ${ASYNCAPI_PATH}`);
