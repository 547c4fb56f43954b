import pc from "picocolors";
import type { CheckResult } from "./checks.ts";

export function doctorPassed(checks: readonly CheckResult[]): boolean {
  return checks.every((check) => !check.required || check.status === "ok");
}

/** One line per prerequisite; a fix line under each one that is not OK. */
export function renderDoctor(checks: readonly CheckResult[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  const lines = checks.map((check) => {
    const label =
      check.status === "ok"
        ? pc.green("OK      ")
        : check.required
          ? pc.red(check.status.toUpperCase().padEnd(8))
          : pc.yellow("OPTIONAL");
    const head = `${label} ${check.name.padEnd(width)}  ${check.found ?? "-"}`;
    return check.status === "ok" ? head : `${head}\n${" ".repeat(9 + width)}  fix: ${check.fix}`;
  });
  lines.push(
    doctorPassed(checks)
      ? "all required prerequisites are present"
      : "some required prerequisites are missing",
  );
  return lines.join("\n");
}
