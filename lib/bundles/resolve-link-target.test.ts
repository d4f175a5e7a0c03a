import { describe, expect, it } from "vitest";
import { LinkResolver, staysInside } from "./resolve-link-target";
import { TreeNode } from "./tree-node";

/** A tree of directories and symbolic links: "a/b/" a directory, "l -> t" a link. */
function treeOf(...names: string[]): { root: TreeNode; at: (path: string) => TreeNode } {
  const root = new TreeNode(null, "", "directory");
  const at = (path: string) => path.split("/").filter(Boolean).reduce<TreeNode>((node, part) => node.child(part)!, root);
  for (const name of names) {
    const [path, target] = name.split(" -> ");
    const parts = path!.split("/").filter(Boolean);
    let node = root;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      node = node.child(part) ?? node.add(part, last && target !== undefined ? "symlink" : "directory", last ? target : "");
    }
  }
  return { root, at };
}

const landing = (resolver: LinkResolver, from: TreeNode, target: string) => {
  const l = resolver.resolve(from, target);
  return l === null ? null : { path: l.node.path(), beyond: l.beyond };
};

describe("LinkResolver", () => {
  it("resolves relative to the link's directory", () => {
    const { root, at } = treeOf("usr/src/a/", "usr/src/b/scripts/");
    const resolver = new LinkResolver();
    expect(landing(resolver, at("usr/src/a"), "../b/scripts")).toEqual({ path: "usr/src/b/scripts", beyond: 0 });
    expect(landing(resolver, root, "./x")).toEqual({ path: "", beyond: 1 });
  });
  it("refuses absolute targets and climbing above the root", () => {
    const { root, at } = treeOf("a/");
    const resolver = new LinkResolver();
    expect(resolver.resolve(at("a"), "/etc/passwd")).toBeNull();
    expect(resolver.resolve(at("a"), "../../x")).toBeNull();
    expect(resolver.resolve(root, "missing/../../x")).toBeNull();
  });
  it("follows links in the way, so a harmless-looking chain cannot escape", () => {
    const { root, at } = treeOf("s -> .", "d -> a/b", "a/b/");
    const resolver = new LinkResolver();
    expect(resolver.resolve(root, "s/s/../x")).toBeNull();
    expect(landing(resolver, root, "d/../c")).toEqual({ path: "a", beyond: 1 });
    expect(landing(resolver, root, "d")).toEqual({ path: "a/b", beyond: 0 });
    expect(resolver.resolveLink(at("s"))?.node).toBe(root);
  });
  it("gives up on loops and on chains deeper than Linux follows", () => {
    const loop = treeOf("a -> b", "b -> a");
    expect(new LinkResolver().resolve(loop.root, "a/x")).toBeNull();
    const chain = treeOf(...Array.from({ length: 50 }, (_, i) => `l${i} -> l${i + 1}`), "l50/");
    expect(new LinkResolver().resolve(chain.root, "l0")).toBeNull();
    expect(landing(new LinkResolver(), chain.root, "l20")).toEqual({ path: "l50", beyond: 0 });
  });
  it("resolves each link once: a long chain of long targets costs what its bytes cost", () => {
    // Each link points through the previous one: without remembering, resolving all of them is quadratic.
    const names = ["d0/"];
    for (let i = 1; i <= 30; i++) names.push(`d${i} -> d${i - 1}/${"./".repeat(1000)}`);
    const { root } = treeOf(...names);
    const resolver = new LinkResolver();
    expect(landing(resolver, root, "d30")).toEqual({ path: "d0", beyond: 0 });
  });
});

describe("staysInside", () => {
  it("reads a target as text from the link's depth", () => {
    expect(staysInside(0, "a/../b")).toBe(true);
    expect(staysInside(1, "..")).toBe(true);
    expect(staysInside(0, "..")).toBe(false);
    expect(staysInside(2, "x/../../../..")).toBe(false);
    expect(staysInside(3, "/etc")).toBe(false);
    expect(staysInside(3, "")).toBe(false);
  });
});
