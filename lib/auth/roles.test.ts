import { describe, expect, it } from "vitest";
import { aRole, hasRole, ROLES } from "./roles";

describe("roles", () => {
  it("include the ones before them", () => {
    expect(ROLES.map((r) => ROLES.filter((needed) => hasRole(r, needed)))).toEqual([["viewer"], ["viewer", "operator"], ["viewer", "operator", "admin"]]);
  });

  it("read as a sentence names them, in refusals and on the 403 page", () => {
    expect(ROLES.map(aRole)).toEqual(["a viewer", "an operator", "an admin"]);
  });
});
