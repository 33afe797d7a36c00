// Entry point of the Pulumi program (Pulumi.yaml `main`): exports the program function. Pulumi calls an exported
// function, awaits the promise it returns (main is async: it reads the subscription first) and records the object it
// resolves to as the stack outputs (`programExport instanceof Function ? programExport() : programExport`,
// https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/cmd/run/run.ts), so the output list is written once, in
// stacks/program.ts.
import { main } from "./program";

export = main;
