import { describe, expect, it } from "vitest";
import { LINE_CUT_MARKER } from "@/lib/docker/progress/line-cut";
import { createSecretMasker } from "./secret-masker";

describe("createSecretMasker", () => {
  it("masks every occurrence of a password, longest secret first", () => {
    const mask = createSecretMasker({ passwords: ["hunter2-long", "hunter2-long-extra", "", undefined] });
    expect(mask("login hunter2-long-extra then hunter2-long and xhunter2-longx")).toBe("login *** then *** and x***x");
  });

  it("leaves text alone when there is no secret", () => {
    expect(createSecretMasker({})("REDHAT_PASSWORD is unset")).toBe("REDHAT_PASSWORD is unset");
  });

  it("masks a short user name only as a whole token: redhat-release stays", () => {
    const mask = createSecretMasker({ names: ["redhat"], passwords: ["s3cret-pw"] });
    expect(mask("cat /etc/redhat-release")).toBe("cat /etc/redhat-release");
    expect(mask("Installed: redhat-logos-90.4 python3-redhat.x86_64 redhat7")).toBe("Installed: redhat-logos-90.4 python3-redhat.x86_64 redhat7");
    expect(mask("subscription-manager register --username redhat --password s3cret-pw")).toBe("subscription-manager register --username *** --password ***");
    expect(mask("REDHAT_USERNAME=redhat; user 'redhat' at /home/redhat/")).toBe("REDHAT_USERNAME=***; user '***' at /home/***/");
  });

  it("masks a long user name wherever it appears", () => {
    const mask = createSecretMasker({ names: ["rh-builder-7"] });
    expect(mask("home is /home/rh-builder-7x")).toBe("home is /home/***x");
  });

  it("masks the start of a secret that a cut line ends in", () => {
    const mask = createSecretMasker({ passwords: ["rh-pw-0123456789"] });
    expect(mask(`xxxx rh-pw-01${LINE_CUT_MARKER}`)).toBe(`xxxx ***${LINE_CUT_MARKER}`);
    expect(mask(`xxxx done${LINE_CUT_MARKER}`)).toBe(`xxxx done${LINE_CUT_MARKER}`);
  });
});
