// Defers two heavy modules the Pulumi SDK loads eagerly but only uses to serialize JavaScript closures (dynamic
// providers, callbacks): `typescript` (8.9 MB) and `@npmcli/arborist`. The offline plan serializes no closures,
// so they normally never load; if anything does use them, the real module loads on first use.
// Must be imported before `@pulumi/pulumi`.
import Module from "node:module";

type Loader = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };
const originalLoad = moduleInternals._load;

/** Export names read at import time (TypeScript's older `__importStar` copies each key). */
const EAGER_KEYS: Record<string, string[]> = {
  typescript: [],
  "@npmcli/arborist": ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"],
};

function isFromPulumiSdk(parent: NodeJS.Module | undefined): boolean {
  return parent?.filename?.includes(`${"node_modules"}/@pulumi/pulumi/`) === true;
}

function lazyModule(load: () => Record<PropertyKey, unknown>, keys: string[]): object {
  // Each eagerly copied export is a stand-in that forwards calls, `new` and property reads to the real export.
  const standIns = new Map<PropertyKey, unknown>(
    keys.map((key) => [
      key,
      new Proxy(function standIn() {}, {
        construct: (_t, args) => new (load()[key] as new (...a: unknown[]) => object)(...args),
        apply: (_t, self, args) => (load()[key] as (...a: unknown[]) => unknown).apply(self, args),
        get: (_t, prop) => (load()[key] as Record<PropertyKey, unknown>)[prop],
      }),
    ]),
  );
  return new Proxy(
    {},
    {
      get: (_t, prop) => (prop === "__esModule" ? undefined : standIns.has(prop) ? standIns.get(prop) : load()[prop]),
      has: (_t, prop) => standIns.has(prop) || prop in load(),
      ownKeys: () => [...standIns.keys()] as Array<string | symbol>,
      getOwnPropertyDescriptor: (_t, prop) =>
        standIns.has(prop) ? { configurable: true, enumerable: true, writable: false, value: standIns.get(prop) } : undefined,
    },
  );
}

// Installed once per process (test runners re-evaluate modules per file).
const INSTALLED = Symbol.for("acs-platform.lazy-sdk-deps");
const registry = globalThis as unknown as Record<symbol, boolean>;
if (!registry[INSTALLED]) {
  registry[INSTALLED] = true;
  moduleInternals._load = lazyLoad;
}

function lazyLoad(this: unknown, request: string, parent: NodeJS.Module | undefined, isMain: boolean): unknown {
  const keys = EAGER_KEYS[request];
  if (keys !== undefined && isFromPulumiSdk(parent)) {
    let real: Record<PropertyKey, unknown> | undefined;
    return lazyModule(() => (real ??= originalLoad.call(this, request, parent, isMain) as Record<PropertyKey, unknown>), keys);
  }
  return originalLoad.call(this, request, parent, isMain);
}
