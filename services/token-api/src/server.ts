// The process entry: reads config, turns on telemetry, listens on PORT and shuts down gracefully on SIGTERM.
import { LISTENING_EVENT } from "./codeCache";
import { ConfigError, loadConfig } from "./config";
import { ERASING_SWEEP } from "./settings";
import { enableAzureMonitor } from "./telemetry";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`acs-token-api: configuration error: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const shutdownTelemetry = await enableAzureMonitor(config.applicationInsightsConnectionString, config.applicationInsightsAuth);
  // Loaded only now: OpenTelemetry's instrumentations patch http, fastify and the Azure SDKs when they are first
  // required, so nothing they instrument may be loaded before telemetry is on.
  const [{ buildApp }, { createDeps }, { createBufferedStdout, createLogger }] = await Promise.all([
    import("./app"),
    import("./deps"),
    import("./logger"),
  ]);
  const stdout = createBufferedStdout();
  const logger = createLogger(config.logLevel, stdout.destination);
  // App Service names each instance (WEBSITE_INSTANCE_ID); locally `npm run dev` sets it per process.
  const deps = createDeps(config, { logger, instanceId: process.env.WEBSITE_INSTANCE_ID ?? `pid-${process.pid}` });
  // App Service terminates TLS in its front end and forwards the client address.
  const app = await buildApp(config, { ...deps, trustProxyHops: process.env.WEBSITE_SITE_NAME ? 1 : 0 });
  await app.listen({ port: config.port, host: process.env.WEBSITE_SITE_NAME ? "0.0.0.0" : (config.host ?? "127.0.0.1") });
  // One line a supervisor (local dev, the start-up benchmark) can wait for.
  logger.info({ port: (app.server.address() as { port: number }).port, instance: deps.instanceId }, "listening");
  stdout.flush();
  // The package's entry writes the code cache now, if it has none (codeCache.ts); nothing listens under `npm run dev`.
  process.emit(LISTENING_EVENT as never);

  // Finishes erases an instance was killed in the middle of (docs/decisions/0015-token-api-trade-offs.md); jittered so
  // instances started together do not scan the table together.
  let sweeper: NodeJS.Timeout | undefined;
  const scheduleSweep = () => {
    sweeper = setTimeout(
      () =>
        void deps.tokenService
          .sweepErasing()
          .catch((error: unknown) => logger.warn({ code: (error as { code?: string }).code }, "erasing sweep failed; retried later"))
          .finally(scheduleSweep),
      ERASING_SWEEP.everyMs * (0.5 + Math.random()),
    );
    sweeper.unref();
  };
  scheduleSweep();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    clearTimeout(sweeper);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    deps.close();
    await shutdownTelemetry?.();
    stdout.flushSync();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`acs-token-api: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
