import { describe, expect, it } from "vitest";
import { createSecretMasker } from "./secret-masker";

describe("createSecretMasker", () => {
  it("masks every occurrence, longest secret first", () => {
    const mask = createSecretMasker(["hunter2", "hunter2-extra", "", undefined]);
    expect(mask("login hunter2-extra then hunter2 and hunter2")).toBe("login *** then *** and ***");
  });
  it("leaves text alone when there is no secret", () => {
    expect(createSecretMasker([])("REDHAT_PASSWORD is unset")).toBe("REDHAT_PASSWORD is unset");
  });
});
