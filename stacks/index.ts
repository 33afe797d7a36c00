// Entry point of the Pulumi program (Pulumi.yaml `main`): exports the program function. Pulumi calls an exported
// function and records the object it returns as the stack outputs (`programExport instanceof Function ?
// programExport() : programExport`, https://github.com/pulumi/pulumi/blob/master/sdk/nodejs/cmd/run/run.ts), so the
// output list is written once, in stacks/program.ts.
import { main } from "./program";

export = main;
