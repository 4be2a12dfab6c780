import { calloutIdOfTask, taskIdOf } from "../../src/domain/callouts";

describe("callout card task ids", () => {
  it("reads the campaign back from the id as made, and as sent with a per-call suffix", () => {
    expect(calloutIdOfTask(taskIdOf(12, 345))).toBe(12);
    expect(calloutIdOfTask("co12-345-1a2b3c4d")).toBe(12);
    expect(calloutIdOfTask("co12-345-xyz")).toBeNull();
    expect(calloutIdOfTask("hz12-345")).toBeNull();
  });
});
