// Entry of `npm run plan` (bundled by tools/plan/launch.js); the command itself is tools/plan/cli-spec.ts.
// Never process.exit(): stdout to a pipe drains asynchronously, and exiting early cuts it (at 64 KiB). The kit sets
// process.exitCode and node exits once everything is written.
import { main } from "../cli-kit";
import { planCommand } from "./cli-spec";

main(planCommand);
