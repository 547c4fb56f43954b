#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx so a fresh clone needs no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
