import { describe, expect, it } from "vitest";
import { childEnv } from "./child-env";

describe("childEnv", () => {
  it("passes what a program needs and none of kobuild's secrets", () => {
    const source = { PATH: "/usr/bin", HOME: "/root", KOBUILD_ADMIN_TOKEN: "t".repeat(40), KOBUILD_SECRET_KEY: "k".repeat(64), GIT_DIR: "/elsewhere", SSH_AUTH_SOCK: "/run/agent" };
    expect(childEnv([], {}, source)).toEqual({ PATH: "/usr/bin", HOME: "/root" });
    expect(childEnv(["SSH_AUTH_SOCK"], { LC_ALL: "C" }, source)).toEqual({ PATH: "/usr/bin", HOME: "/root", SSH_AUTH_SOCK: "/run/agent", LC_ALL: "C" });
  });
});
