import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copiesFromContextRoot } from "./context-root-copies";

const NAME = "kobuild-plan.Dockerfile";
const copies = (dockerfile: string) => copiesFromContextRoot(dockerfile, NAME);

describe("copiesFromContextRoot", () => {
  it("is false for the sample's Dockerfiles, which copy only below collector/ and bundles/", () => {
    const dir = path.join(__dirname, "../../../sample/collector/kernel-modules/dockerized");
    const files = fs.readdirSync(dir).filter((f) => f.startsWith("Dockerfile"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(copies(fs.readFileSync(path.join(dir, file), "utf8")), file).toBe(false);
  });

  it("is true for a copy of the whole context, in any spelling", () => {
    for (const source of [".", "./", "/", "./.", "*", "*.Dockerfile", "kobuild-*", "k?build-plan.Dockerfile", "[jk]obuild-plan.Dockerfile"]) {
      expect(copies(`FROM scratch\nCOPY ${source} /src/\n`), source).toBe(true);
    }
    expect(copies('FROM scratch\nADD [".", "/src/"]\n')).toBe(true);
    expect(copies("FROM scratch\nCOPY --chown=1:1 \\\n  . /src/\n")).toBe(true);
  });

  it("is true for a source made of variables, which only the build knows", () => {
    expect(copies("FROM scratch\nARG SRC=collector\nCOPY ${SRC} /src/\n")).toBe(true);
  });

  it("is false for copies below the root, from stages, of other root files and of heredocs", () => {
    expect(copies("FROM scratch\nCOPY collector/ /collector/\nCOPY bundles/ /bundles/\n")).toBe(false);
    expect(copies("FROM scratch AS a\nFROM scratch\nCOPY --from=a . /x\n")).toBe(false);
    expect(copies("FROM scratch\nCOPY README.md *.txt [!k]* /x/\n")).toBe(false);
    expect(copies("FROM scratch\nCOPY <<EOF /x\nhello\nEOF\n")).toBe(false);
    expect(copies('FROM scratch\nCOPY ["collector/a b", "/x"]\n')).toBe(false);
  });
});
