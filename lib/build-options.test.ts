import { describe, expect, it } from "vitest";
import { buildOptionsView, driverOptionsOf, operationOptionsIn, operationOptionsOf } from "./build-options";

describe("builds.options", () => {
  it("reads a driver build stored before the newer choices existed with the API's defaults", () => {
    const options = driverOptionsOf({ id: 7, options: { branch: "master", legacyProbes: true, bundleIds: [3, 4] } });
    expect(options).toMatchObject({ branch: "master", legacyProbes: true, useKernelsFile: false, cacheRepo: null, checkoutBeforePatching: true, builder: "auto", bundleIds: [3, 4], redhatCredentials: false });
    // No network was stored then: the runner keeps treating that as network none.
    expect(options.network).toBeUndefined();
  });

  it("refuses a row it cannot read, naming the build and the field", () => {
    expect(() => driverOptionsOf({ id: 9, options: { branch: 12 } })).toThrow(/build 9 .*branch/);
    expect(() => driverOptionsOf({ id: 9, options: {} })).toThrow(/build 9/);
  });

  it("gives an operation its own fields and refuses one of another kind", () => {
    const squash = { id: 3, options: { operation: "squash", driversRepo: "kobuild", driversTag: "nightly", layersBefore: 41 } };
    expect(operationOptionsOf(squash, "squash").layersBefore).toBe(41);
    expect(() => operationOptionsOf(squash, "merge")).toThrow(/build 3 is a squash, not a merge/);
    expect(operationOptionsIn({ branch: "master" })).toBeNull();
  });

  it("shows a driver build with its defaults and an operation as stored", () => {
    expect(buildOptionsView({ branch: "main", sharding: { engines: 2 } })).toMatchObject({ branch: "main", builder: "auto", sharding: { engines: 2, maxAttempts: 3 } });
    expect(buildOptionsView({ operation: "merge", driversRepo: "kobuild", baseTag: "a", extraTags: ["b"] })).toMatchObject({ operation: "merge", extraTags: ["b"] });
    expect(buildOptionsView("not options")).toEqual({});
  });
});
