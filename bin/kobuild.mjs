#!/usr/bin/env node
// `kobuild`, the command line for CI. The TypeScript entry runs through tsx
// (a dependency), so a clone works right after `npm ci`, with no build step.
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("../cli/main.ts", import.meta.url);
process.exitCode = await main(process.argv.slice(2));
