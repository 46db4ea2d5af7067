import { z } from "zod";
import { lastEventIdSchema } from "../schemas";

export const subscribeInput = z.object({
  /** Event types to receive; an entry ending in "." is a prefix ("stock." for every stock event). */
  types: z.array(z.string().trim().min(1).max(64).regex(/^[a-z]+(\.[a-z_]*)?$/)).max(20).optional(),
  lastEventId: lastEventIdSchema,
});
