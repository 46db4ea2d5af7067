import * as namespace from "@zxing/library";

type ZXing = typeof namespace;

/**
 * @zxing/library ships CommonJS for Node and an ES build for bundlers. Node cannot see the
 * CommonJS build's named exports (TypeScript's `__exportStar` hides them from its lexer) and
 * offers the whole module as `default`; bundlers give the named exports. This works in both.
 */
export const zxing: ZXing = (namespace as unknown as { default?: ZXing }).default ?? namespace;
