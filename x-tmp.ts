import { inspectCourse } from "./sandbox-cli/src/course/index.ts";
await inspectCourse(process.argv[2] as string, { probeMedia: process.env.PROBE !== "0" });
