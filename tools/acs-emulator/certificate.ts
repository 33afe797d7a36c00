// Generates (once) and loads the emulator's CA and its 127.0.0.1/localhost server certificate.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface EmulatorCertificate {
  caCertPath: string;
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const files = { caCert: "ca.pem", caKey: "ca-key.pem", serverCert: "server.pem", serverKey: "server-key.pem" };

/**
 * Returns the certificate in `dir`, creating a CA and a server certificate signed by it when absent.
 * A CA (rather than one self-signed leaf) lets clients trust it once via `tlsOptions.ca` or NODE_EXTRA_CA_CERTS.
 */
export async function loadOrCreateCertificate(dir: string): Promise<EmulatorCertificate> {
  mkdirSync(dir, { recursive: true });
  const path = (name: string): string => join(dir, name);
  if (!Object.values(files).every((name) => existsSync(path(name)))) {
    const notBeforeDate = new Date(Date.now() - 24 * 3600_000);
    const notAfterDate = new Date(Date.now() + 825 * 24 * 3600_000);
    const ca = await generate([{ name: "commonName", value: "ACS Emulator Local CA" }], {
      keyType: "ec",
      algorithm: "sha256",
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    const server = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      algorithm: "sha256",
      notBeforeDate,
      notAfterDate,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
          ],
        },
      ],
    });
    writeFileSync(path(files.caCert), ca.cert);
    writeFileSync(path(files.caKey), ca.private, { mode: 0o600 });
    writeFileSync(path(files.serverCert), server.cert);
    writeFileSync(path(files.serverKey), server.private, { mode: 0o600 });
  }
  return {
    caCertPath: path(files.caCert),
    caCertPem: readFileSync(path(files.caCert), "utf8"),
    serverCertPem: readFileSync(path(files.serverCert), "utf8"),
    serverKeyPem: readFileSync(path(files.serverKey), "utf8"),
  };
}
