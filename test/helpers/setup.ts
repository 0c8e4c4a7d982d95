import nock from "nock";
import { afterEach, beforeAll } from "vitest";

// GitHub and Anthropic are faked at the HTTP boundary; nothing else may leave the machine.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith("127.0.0.1") || host.startsWith("localhost") || host.startsWith("[::1]"));
});

afterEach(() => {
  nock.cleanAll();
});
