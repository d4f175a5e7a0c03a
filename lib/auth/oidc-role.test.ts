import { describe, expect, it } from "vitest";
import { claimValuesAt, roleFromClaims } from "./oidc-role";

const settings = { roleClaim: "groups", roleValues: { admin: ["kobuild-admins"], operator: ["kobuild-operators", "release"], viewer: ["staff"] } };

describe("the role a provider's claim maps to", () => {
  it("is the highest role whose values the claim holds", () => {
    expect(roleFromClaims({ groups: ["staff", "release"] }, settings)).toBe("operator");
    expect(roleFromClaims({ groups: ["staff", "kobuild-admins", "release"] }, settings)).toBe("admin");
    expect(roleFromClaims({ groups: "staff" }, settings)).toBe("viewer");
  });

  it("is none for a claim without a configured value, a missing claim or a claim of another shape", () => {
    expect(roleFromClaims({ groups: ["marketing"] }, settings)).toBeNull();
    expect(roleFromClaims({}, settings)).toBeNull();
    expect(roleFromClaims({ groups: { staff: true } }, settings)).toBeNull();
    // Values are compared exactly: no case folding, no prefixes.
    expect(roleFromClaims({ groups: ["Kobuild-Admins", "kobuild-admins-old"] }, settings)).toBeNull();
  });

  it("follows a dotted path into nested claims, and finds a claim whose name holds dots", () => {
    expect(claimValuesAt({ realm_access: { roles: ["a", 1, "b"] } }, "realm_access.roles")).toEqual(["a", "b"]);
    expect(claimValuesAt({ realm_access: ["roles"] }, "realm_access.roles")).toEqual([]);
    expect(claimValuesAt({ "example.com/roles": ["x"] }, "example.com/roles")).toEqual(["x"]);
    expect(roleFromClaims({ resource_access: { kobuild: { roles: ["kobuild-admins"] } } }, { ...settings, roleClaim: "resource_access.kobuild.roles" })).toBe("admin");
  });
});
