export * from "./embedded";
export * from "./credentials";
export * from "./mosquitto";
export * from "./topic-filter";
