/**
 * The part of k6's script API the engine implements, as data: what a script may import, and what it gets
 * told instead when it asks for more. Everything else is refused before the run (never a silent no-op).
 */

export const MODULE_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  k6: ["check", "group", "sleep", "fail"],
  "k6/http": [
    "get",
    "post",
    "put",
    "del",
    "patch",
    "head",
    "options",
    "request",
    "batch",
    "cookieJar",
    "expectedStatuses",
    "setResponseCallback",
  ],
  "k6/metrics": ["Counter", "Gauge", "Rate", "Trend"],
  "k6/encoding": ["b64encode", "b64decode"],
  "k6/execution": [],
};

/** What to use instead of a module the engine does not implement. */
const INSTEAD: Readonly<Record<string, string>> = {
  "k6/browser":
    "drive a browser from a test of its own (the project's tests use playwright-core); load scripts speak HTTP",
  "k6/experimental/browser": "drive a browser from a test of its own; load scripts speak HTTP",
  "k6/ws": "only HTTP is supported: load the HTTP endpoints behind the socket",
  "k6/experimental/websockets": "only HTTP is supported: load the HTTP endpoints behind the socket",
  "k6/websockets": "only HTTP is supported: load the HTTP endpoints behind the socket",
  "k6/net/grpc": "only HTTP is supported: load the service's HTTP/JSON gateway instead",
  "k6/crypto": "use k6/encoding for base64, or compute values in setup() and pass them as setup data",
  "k6/html": "parse what you need with a regular expression or res.json()",
  "k6/data": "declare the data as a constant in the script (each VU gets its own copy)",
  "k6/timers": "use sleep() from k6",
  "k6/secrets": "pass values with --env KEY=VALUE and read them from __ENV",
};

/** A script the engine cannot run as written: exit 2 before the run, naming the problem and the fix. */
export class ScriptError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "ScriptError";
  }

  static unsupportedImport(source: string): ScriptError {
    const remote = /^https?:\/\//.test(source);
    return new ScriptError(
      "SCRIPT_UNSUPPORTED_IMPORT",
      `the script imports "${source}", which this engine does not support`,
      remote
        ? "remote modules are never fetched: copy the code you need into a local file and import it by relative path"
        : (INSTEAD[source] ??
            `supported modules: ${Object.keys(MODULE_EXPORTS).join(", ")} and the script's own files`),
    );
  }

  static unsupportedName(source: string, name: string): ScriptError {
    return new ScriptError(
      "SCRIPT_UNSUPPORTED_IMPORT",
      `the script imports ${name} from "${source}", which this engine does not support`,
      `"${source}" provides: ${(MODULE_EXPORTS[source] ?? []).join(", ") || "its default export only"}`,
    );
  }

  static unsupportedOption(path: string, instead: string): ScriptError {
    return new ScriptError(
      "SCRIPT_UNSUPPORTED_OPTION",
      `options.${path} is not supported by this engine`,
      instead,
    );
  }

  static badOption(path: string, problem: string): ScriptError {
    return new ScriptError(
      "SCRIPT_BAD_OPTION",
      `options.${path}: ${problem}`,
      "see the options the engine supports in loadtests/README.md",
    );
  }

  static unsupportedGlobal(name: string): ScriptError {
    return new ScriptError(
      "SCRIPT_UNSUPPORTED_API",
      `the script calls ${name}, which this engine does not support`,
      "declare the data in the script itself, or pass it with --env KEY=VALUE (__ENV)",
    );
  }

  static initContext(code: string): ScriptError {
    return new ScriptError(
      "SCRIPT_INIT_CONTEXT",
      `\`${code}\` makes a request or sleeps in the init context (outside every function)`,
      "move it into the default function, or into setup() and return what the VUs need",
    );
  }

  static blockingCallback(code: string, where: string, instead: string): ScriptError {
    return new ScriptError(
      "SCRIPT_BLOCKING_CALLBACK",
      `\`${code}\` makes requests or sleeps inside ${where}, which this engine cannot wait for`,
      `write it as ${instead}`,
    );
  }

  static syntax(message: string): ScriptError {
    return new ScriptError("SCRIPT_SYNTAX", `the script does not parse: ${message}`, "fix the script");
  }
}
