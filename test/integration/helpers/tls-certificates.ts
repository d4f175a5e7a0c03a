import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** A directory laid out as DOCKER_CERT_PATH is: the CA to trust, a certificate and its key. */
export type CertDirectory = { dir: string; ca: string; cert: string; key: string };

export type CertificateAuthority = {
  /** The CA's own certificate. */
  caPem: string;
  /** A certificate for dockerd on 127.0.0.1 (subjectAltName IP:127.0.0.1, serverAuth), with this CA's ca.pem beside it. */
  server: (dir: string) => CertDirectory;
  /** A client certificate (clientAuth), with this CA's ca.pem beside it, as `docker --tlsverify` reads it. */
  client: (dir: string) => CertDirectory;
};

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });
// P-256 keys: made in milliseconds, and both Go (dockerd) and Node speak them.
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc"];
const DAYS = "2";

/**
 * A certificate authority of the test's own, made with the openssl CLI in
 * `dir`: it signs the engine's server certificate and the clients' ones.
 * Every private key is readable by its owner only, as a real one must be.
 */
export function certificateAuthority(dir: string, name: string): CertificateAuthority {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caPem = path.join(dir, "ca.pem");
  const caKey = path.join(dir, "ca-key.pem");
  openssl([
    "req", "-x509", ...NEW_KEY, "-days", DAYS, "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", caKey, "-out", caPem,
  ]);
  fs.chmodSync(caKey, 0o600);

  const issue = (out: string, subject: string, extensions: string[]): CertDirectory => {
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
    const files = { dir: out, ca: path.join(out, "ca.pem"), cert: path.join(out, "cert.pem"), key: path.join(out, "key.pem") };
    const request = path.join(out, "request.csr");
    const extfile = path.join(out, "extensions.cnf");
    openssl(["req", ...NEW_KEY, "-subj", `/CN=${subject}`, "-keyout", files.key, "-out", request]);
    fs.chmodSync(files.key, 0o600);
    fs.writeFileSync(extfile, `${extensions.join("\n")}\n`);
    openssl(["x509", "-req", "-in", request, "-CA", caPem, "-CAkey", caKey, "-CAcreateserial", "-days", DAYS, "-extfile", extfile, "-out", files.cert]);
    fs.rmSync(request);
    fs.rmSync(extfile);
    fs.copyFileSync(caPem, files.ca);
    return files;
  };

  return {
    caPem,
    server: (out) => issue(out, "127.0.0.1", ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth", "subjectAltName=IP:127.0.0.1"]),
    client: (out) => issue(out, "kobuild", ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=clientAuth"]),
  };
}
