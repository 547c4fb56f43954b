/** Pure AICC HACP (CMI001 v4, appendix A) helpers: parse PutParam data, render GetParam answers. */

export interface AiccCore {
  readonly lessonLocation: string;
  readonly lessonStatus: string;
  readonly score: string;
  readonly time: string;
}

export interface AiccPut {
  readonly core: Partial<AiccCore>;
  readonly coreLesson: string;
  /** Every group with its raw lines, kept as sent. */
  readonly groups: Record<string, string>;
}

/** Splits INI-like aicc_data into groups; keys inside [Core] are matched case-insensitively. */
export function parseAiccData(data: string): AiccPut {
  const groups: Record<string, string[]> = {};
  let current = "";
  for (const line of data.split(/\r\n|\r|\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header?.[1]) {
      current = header[1].trim().toLowerCase();
      groups[current] ??= [];
    } else if (current) {
      groups[current]?.push(line);
    }
  }
  const core: Record<string, string> = {};
  for (const line of groups.core ?? []) {
    const eq = line.indexOf("=");
    if (eq > 0) core[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  const pick = (name: string) => core[name];
  const parsedCore: Partial<AiccCore> = {
    ...(pick("lesson_location") !== undefined ? { lessonLocation: pick("lesson_location") } : {}),
    ...(pick("lesson_status") !== undefined ? { lessonStatus: pick("lesson_status") } : {}),
    ...(pick("score") !== undefined ? { score: pick("score") } : {}),
    ...(pick("time") !== undefined ? { time: pick("time") } : {}),
  };
  const joined = Object.fromEntries(
    Object.entries(groups).map(([name, lines]) => [name, lines.join("\r\n").trim()]),
  );
  return { core: parsedCore, coreLesson: joined.core_lesson ?? "", groups: joined };
}

/** AICC status words (or their first letter) to SCORM-like completion/success values. */
export function aiccStatus(lessonStatus: string | undefined): {
  completion: string | null;
  success: string | null;
} {
  const word = (lessonStatus ?? "").split(",")[0]?.trim().toLowerCase() ?? "";
  const first = word.charAt(0);
  if (first === "p") return { completion: "completed", success: "passed" };
  if (first === "f") return { completion: "completed", success: "failed" };
  if (first === "c") return { completion: "completed", success: null };
  if (first === "i") return { completion: "incomplete", success: null };
  if (first === "b") return { completion: "browsed", success: null };
  return { completion: null, success: null };
}

export function hacpResponse(error: number, errorText: string, aiccData?: string): string {
  const lines = [`error=${error}`, `error_text=${errorText}`, "version=4.0"];
  if (aiccData !== undefined) lines.push(`aicc_data=${aiccData}`);
  return `${lines.join("\r\n")}\r\n`;
}

export function getParamData(args: {
  studentId: string;
  studentName: string;
  core: Partial<AiccCore>;
  coreLesson: string;
}): string {
  return [
    "[Core]",
    `Student_ID=${args.studentId}`,
    `Student_Name=${args.studentName}`,
    `Lesson_Location=${args.core.lessonLocation ?? ""}`,
    "Credit=C",
    `Lesson_Status=${args.core.lessonStatus ?? "N"}`,
    `Score=${args.core.score ?? ""}`,
    `Time=${args.core.time ?? "00:00:00"}`,
    "Lesson_Mode=Normal",
    "[Core_Lesson]",
    args.coreLesson,
  ].join("\r\n");
}
