import { z } from "zod";

export const UnitsQuery = z.object({
  flat: z.enum(["true", "false"], { error: "flat 应为 true 或 false" }).optional().meta({ description: "true：平铺列表而非树" }),
});
