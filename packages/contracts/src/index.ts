export * from "./identifiers";
export * from "./payloads";
export * from "./channels";
export * from "./rejection";
export * from "./errors";
export * from "./topics";
export * from "./codec";
export * from "./last-will";
