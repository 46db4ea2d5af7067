export * from "./mosquitto/config";
