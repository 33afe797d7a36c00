// The one place that says which browser the browser tests and the web chat bench drive: Debian's `chromium` package
// (`.ci/run` installs it when missing), through playwright-core, which downloads no browser of its own.
import { createHash, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { connect } from "node:tls";
import { chromium, type Browser } from "playwright-core";

/** The system Chromium (Debian package `chromium`); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_EXECUTABLE = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** base64(SHA-256(SubjectPublicKeyInfo)) of the certificate `httpsUrl` serves, as Chromium's --ignore-certificate-errors-spki-list takes it. */
export function spkiHashOf(httpsUrl: string): Promise<string> {
  const url = new URL(httpsUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false, servername: undefined }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      const spki = new X509Certificate(raw).publicKey.export({ type: "spki", format: "der" });
      resolve(createHash("sha256").update(spki).digest("base64"));
    });
    socket.once("error", reject);
  });
}

/**
 * Headless Chromium that trusts exactly the local emulator's certificate (by its key, not every certificate): the
 * page calls the emulator over HTTPS as it calls ACS, and the emulator's CA is not in the system store.
 */
export async function launchChromium(options: { trustHttpsOf?: string[] } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_EXECUTABLE)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_EXECUTABLE}: install Debian's package (sudo apt-get install -y chromium, as bash .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  const hashes = await Promise.all((options.trustHttpsOf ?? []).map(spkiHashOf));
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: hashes.length ? [`--ignore-certificate-errors-spki-list=${hashes.join(",")}`] : [],
  });
}
