import { HTTP_TIMEOUT_MS } from "../../src/channels/wecom/api";
import { LEASE_MS, SEND_TIMEOUT_MS } from "../../src/outbox/worker";

describe("outbox send timeout", () => {
  it("outwaits a WeChat Work send's longest chain, so a call that succeeds late is not resent", () => {
    // gettoken, send, gettoken again after a refused token, send again: four HTTP calls.
    expect(SEND_TIMEOUT_MS).toBeGreaterThan(4 * HTTP_TIMEOUT_MS);
  });

  it("stays under the lease, so no other worker takes the rows over mid-call", () => {
    expect(SEND_TIMEOUT_MS).toBeLessThan(LEASE_MS);
  });
});
