import { describe, expect, it } from "vitest";
import { parseBundleListing } from "./parse-bundle-listing";

// Listings as the servers write them: python's http.server, nginx's autoindex, and S3 / GCS bucket XML.
const pythonIndex = `<!DOCTYPE HTML>
<html lang="en"><head><meta charset="utf-8"><title>Directory listing for /bundles/</title></head>
<body><h1>Directory listing for /bundles/</h1><hr><ul>
<li><a href="bundle-4.15.0-1098-gcp~16.04.tgz">bundle-4.15.0-1098-gcp~16.04.tgz</a></li>
<li><a href="bundle-6.1.0-27-amd64.tgz">bundle-6.1.0-27-amd64.tgz</a></li>
<li><a href="notes.txt">notes.txt</a></li>
<li><a href="old/">old/</a></li>
</ul><hr></body></html>`;

const nginxIndex = `<html><head><title>Index of /kernels/</title></head><body><h1>Index of /kernels/</h1><hr><pre><a href="../">../</a>
<a href="bundle-3.10.0-1160.el7.x86_64.tgz">bundle-3.10.0-1160.el7.x86_64.tgz</a>                  02-Dec-2026 21:42    1113
<a href='/mirror/bundle-5.10.0-33-cloud-amd64.tgz'>bundle-5.10.0-33-cloud-amd64.tgz</a>
<a href=https://cdn.example.org/b/bundle-5.10.0-33-amd64.tgz>x</a>
<a href="bundle-5.10.0-33-amd64.tgz.sha256">sum</a>
<a href="javascript:alert(1)//bundle-1.2.3.tgz">bad</a>
</pre><hr></body></html>`;

const s3 = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>kernel-bundles</Name><Prefix>bundles/</Prefix>
<Contents><Key>bundles/bundle-5.4.0-1103-aws.tgz</Key><Size>2743594</Size></Contents>
<Contents><Key>bundles/bundle-4.18.0-425.3.1.el8.x86_64.tgz</Key><Size>3222686</Size></Contents>
<Contents><Key>bundles/README.md</Key><Size>10</Size></Contents>
</ListBucketResult>`;

describe("parseBundleListing", () => {
  it("reads the links of a python http.server index, relative to the listing", () => {
    expect(parseBundleListing(pythonIndex, "http://127.0.0.1:8000/bundles/")).toEqual([
      { fileName: "bundle-4.15.0-1098-gcp~16.04.tgz", url: "http://127.0.0.1:8000/bundles/bundle-4.15.0-1098-gcp~16.04.tgz" },
      { fileName: "bundle-6.1.0-27-amd64.tgz", url: "http://127.0.0.1:8000/bundles/bundle-6.1.0-27-amd64.tgz" },
    ]);
  });

  it("takes quoted, single-quoted and bare links, absolute or not, and only bundle-<kernel>.tgz over http(s)", () => {
    const listed = parseBundleListing(nginxIndex, "https://mirror.example.org/kernels/");
    expect(listed.map((b) => b.url)).toEqual([
      "https://mirror.example.org/kernels/bundle-3.10.0-1160.el7.x86_64.tgz",
      "https://mirror.example.org/mirror/bundle-5.10.0-33-cloud-amd64.tgz",
      "https://cdn.example.org/b/bundle-5.10.0-33-amd64.tgz",
    ]);
  });

  it("reads a bucket's keys as objects of the bucket, without the listing's query", () => {
    expect(parseBundleListing(s3, "https://kernel-bundles.s3.amazonaws.com/?list-type=2&prefix=bundles/")).toEqual([
      { fileName: "bundle-5.4.0-1103-aws.tgz", url: "https://kernel-bundles.s3.amazonaws.com/bundles/bundle-5.4.0-1103-aws.tgz" },
      { fileName: "bundle-4.18.0-425.3.1.el8.x86_64.tgz", url: "https://kernel-bundles.s3.amazonaws.com/bundles/bundle-4.18.0-425.3.1.el8.x86_64.tgz" },
    ]);
    // Google Cloud Storage: the bucket is the listing's path.
    expect(parseBundleListing(s3, "https://storage.googleapis.com/kernel-bundles?prefix=bundles/")[0]!.url).toBe("https://storage.googleapis.com/kernel-bundles/bundles/bundle-5.4.0-1103-aws.tgz");
  });

  it("finds nothing in garbage, and counts a name listed twice once", () => {
    expect(parseBundleListing("\u0000\u00ff<<<>>> href=%E0%A4%A bundle-.tgz", "http://127.0.0.1/")).toEqual([]);
    expect(parseBundleListing('<a href="bundle-6.1.0-27-amd64.tgz">a</a><a href="./bundle-6.1.0-27-amd64.tgz">b</a>', "http://127.0.0.1/x/")).toHaveLength(1);
  });
});
