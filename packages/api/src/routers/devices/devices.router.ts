import { tracked } from "@trpc/server";
import { createTRPCRouter, roleProcedure } from "../../trpc";
import {
  deviceInput,
  flashInput,
  labelsInput,
  listInput,
  provisionInput,
  reportInput,
  scansInput,
  weightsInput,
} from "./devices.schema";

const manager = roleProcedure("MANAGER");
const bridge = roleProcedure("BRIDGE");

export const devicesRouter = createTRPCRouter({
  /** The store's devices with their state (retired ones on request). */
  list: roleProcedure("MANAGER", "BRIDGE")
    .input(listInput)
    .query(({ ctx, input }) => ctx.services.devices.list(ctx.actor, input)),

  /** A new device of a known model; its MQTT password is in this answer and nowhere else. */
  provision: manager
    .input(provisionInput)
    .mutation(({ ctx, input }) => ctx.services.devices.provision(ctx.actor, input)),

  /** A new MQTT password for a device in service (shown once); the old one stops working. */
  rotateCredentials: manager
    .input(deviceInput)
    .mutation(({ ctx, input }) => ctx.services.devices.rotateCredentials(ctx.actor, input)),

  /** Out of service for good: history kept, credential removed. */
  retire: manager
    .input(deviceInput)
    .mutation(({ ctx, input }) => ctx.services.devices.retire(ctx.actor, input)),

  /** Everything the firmware bridge needs to know about each device in service. */
  registry: bridge.query(({ ctx }) => ctx.services.devices.registry(ctx.actor)),

  /** The bridge's reports, applied in order in one transaction; one result per report. */
  report: bridge
    .input(reportInput)
    .mutation(({ ctx, input }) => ctx.services.devices.report(ctx.actor, input)),

  /** What each shelf label should show now, and what it last acknowledged. */
  labels: roleProcedure("BRIDGE", "MANAGER")
    .input(labelsInput)
    .query(({ ctx, input }) => ctx.services.devices.labels(ctx.actor, input)),

  /** Flash a label's LED, or the LEDs of every label of a product (pick-to-light). */
  flash: roleProcedure("MANAGER", "PICKER")
    .input(flashInput)
    .mutation(({ ctx, input }) => ctx.services.devices.flash(ctx.actor, input)),

  /**
   * The scans read by the scanners bound to a kiosk or handheld, live, each tracked by its event
   * id so a reconnecting session resumes without losing one. A kiosk's or handheld's token
   * follows its own device; staff name the host.
   */
  scans: roleProcedure("KIOSK", "PICKER", "MANAGER", "ATTENDANT")
    .input(scansInput)
    .subscription(async ({ ctx, input, signal }) => {
      // Resolved before the stream opens, so a refused host is an error to the caller at once.
      const scans = await ctx.services.devices.watchScans(ctx.actor, input, signal);
      return (async function* () {
        for await (const { eventId, scan } of scans) yield tracked(eventId, scan);
      })();
    }),

  /**
   * The readings of the scales bound to a kiosk or handheld (its bagging and produce scales), each
   * tracked by its event id: first the last known reading of each scale (unless resuming after an
   * event id), then every change, unsettled ones included. Same callers as `scans`.
   */
  weights: roleProcedure("KIOSK", "PICKER", "MANAGER", "ATTENDANT")
    .input(weightsInput)
    .subscription(async ({ ctx, input, signal }) => {
      const weights = await ctx.services.devices.watchWeights(ctx.actor, input, signal);
      return (async function* () {
        for await (const { eventId, weight } of weights) yield tracked(eventId, weight);
      })();
    }),
});
