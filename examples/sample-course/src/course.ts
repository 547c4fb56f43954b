import { buildScorm12Manifest, type Scorm12Manifest } from "./manifest.ts";

export const COURSE_TITLE = "Sarbanes-Oxley essentials";
export const QUIZ_MASTERY_SCORE = 80;

/** Byte-ordered, whatever order the caller listed them in: the manifest text depends on nothing else. */
const under = (files: readonly string[], folder: string) =>
  files.filter((f) => f.startsWith(`${folder}/`)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The course's structure as data: two SCOs sharing one asset bundle. `files` are the package's files. */
export function sampleCourseDefinition(files: readonly string[]): Scorm12Manifest {
  return {
    identifier: "com.example.elearning-sandbox.sox-essentials",
    version: "1.0",
    organization: {
      identifier: "org_sox_essentials",
      title: COURSE_TITLE,
      items: [
        { identifier: "item_lesson", title: "Lesson: internal control and you", resource: "res_lesson" },
        {
          identifier: "item_quiz",
          title: "Quiz: Sarbanes-Oxley essentials",
          resource: "res_quiz",
          masteryScore: QUIZ_MASTERY_SCORE,
        },
      ],
    },
    resources: [
      {
        identifier: "res_lesson",
        scormType: "sco",
        href: "lesson/index.html",
        files: under(files, "lesson"),
        dependencies: ["res_shared"],
      },
      {
        identifier: "res_quiz",
        scormType: "sco",
        href: "quiz/index.html",
        files: under(files, "quiz"),
        dependencies: ["res_shared"],
      },
      { identifier: "res_shared", scormType: "asset", files: under(files, "shared") },
    ],
  };
}

export const sampleCourseManifest = (files: readonly string[]) =>
  buildScorm12Manifest(sampleCourseDefinition(files));
