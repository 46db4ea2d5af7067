export * from "./simulator";
export * from "./device";
export * from "./scenario";
export * from "./spec";
export * from "./random";
