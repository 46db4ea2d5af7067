import type { DeviceCheck } from "./device-enrollment";

/**
 * A picker's handheld is known by its open batch (or none): the service answers only a picker's
 * token, and the page resumes a walk where it was left.
 */
export const pickerBatch = ((client) => client.picking.current.query()) satisfies DeviceCheck<unknown>;
