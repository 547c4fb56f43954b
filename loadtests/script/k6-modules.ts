import type { Metric } from "../lib/metrics.ts";
import type { VuBinding } from "./binding.ts";
import { httpModule } from "./k6-http.ts";

/** The engine's own k6, k6/metrics, k6/encoding and k6/execution, bound to one VU. */
function coreModule(vu: VuBinding) {
  const module = {
    check<T>(value: T, sets: Record<string, ((v: T) => unknown) | unknown>, tags?: Record<string, string>) {
      const ctx = vu.need("check()");
      const checks = ctx.metrics.rate("checks");
      let all = true;
      for (const [name, condition] of Object.entries(sets)) {
        let ok = false;
        try {
          ok = Boolean(typeof condition === "function" ? condition(value) : condition);
        } catch {
          ok = false;
        }
        checks.add(ok ? 1 : 0, vu.tags({ ...tags, check: name }));
        all &&= ok;
      }
      return all;
    },
    async group<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
      const ctx = vu.need("group()");
      if (name.includes("::")) throw new Error(`group name "${name}" may not contain "::"`);
      const outer = vu.group;
      vu.group = `${outer}::${name}`;
      const started = ctx.now();
      try {
        return await fn();
      } finally {
        ctx.metrics.trend("group_duration").add(ctx.now() - started, vu.tags());
        vu.group = outer;
      }
    },
    sleep: (seconds: number) => vu.need("sleep()").sleep(Number(seconds) * 1000),
    fail(message?: string): never {
      throw new Error(message ?? "fail() called");
    },
  };
  return { ...module, default: module };
}

function metricsModule(vu: VuBinding) {
  const make = (type: "counter" | "gauge" | "rate" | "trend") =>
    class {
      private handle: Metric | undefined;
      constructor(
        readonly name: string,
        readonly isTime = false,
      ) {
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name))
          throw new Error(`metric name "${name}" must be letters, digits and _ (k6's rule)`);
      }
      add(value: number | boolean, tags?: Record<string, string>): void {
        const ctx = vu.need(`${this.name}.add()`);
        const registry = ctx.metrics;
        this.handle ??=
          type === "trend"
            ? registry.trend(this.name, this.isTime ? "ms" : "count")
            : type === "counter"
              ? registry.counter(this.name)
              : type === "gauge"
                ? registry.gauge(this.name)
                : registry.rate(this.name);
        this.handle.add(Number(value), vu.tags(tags));
      }
    };
  return { Counter: make("counter"), Gauge: make("gauge"), Rate: make("rate"), Trend: make("trend") };
}

function encodingModule() {
  const toBuffer = (input: string | ArrayBuffer) =>
    typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input);
  const module = {
    b64encode(input: string | ArrayBuffer, encoding = "std"): string {
      const url = encoding === "url" || encoding === "rawurl";
      let text = toBuffer(input).toString(url ? "base64url" : "base64");
      if (encoding === "rawstd") text = text.replace(/=+$/, "");
      if (encoding === "url") text += "=".repeat((4 - (text.length % 4)) % 4);
      return text;
    },
    b64decode(input: string, encoding = "std", format?: "s"): string | ArrayBuffer {
      const url = encoding === "url" || encoding === "rawurl";
      const bytes = Buffer.from(input, url ? "base64url" : "base64");
      if (format === "s") return bytes.toString("utf8");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  };
  return { ...module, default: module };
}

function executionModule(vu: VuBinding) {
  const module = {
    vu: {
      get idInTest() {
        return vu.idInTest;
      },
      get idInInstance() {
        return vu.idInTest;
      },
      get iterationInInstance() {
        return vu.ctx?.iteration ?? 0;
      },
      get iterationInScenario() {
        return vu.iterationInScenario;
      },
      tags: vu.userTags,
    },
    scenario: {
      get name() {
        return vu.scenario.name;
      },
      get executor() {
        return vu.scenario.executor;
      },
      get startTime() {
        return vu.scenario.startTimeS * 1000;
      },
    },
    instance: {
      get currentTestRunDuration() {
        return vu.ctx?.now() ?? 0;
      },
    },
  };
  return { ...module, default: module };
}

/** `require` for a script's factory: the k6 modules of this VU, made on first use. */
export function k6Require(vu: VuBinding, defaults: { maxRedirects: number }): (name: string) => unknown {
  const made = new Map<string, unknown>();
  const makers: Record<string, () => unknown> = {
    k6: () => coreModule(vu),
    "k6/http": () => httpModule(vu, defaults),
    "k6/metrics": () => metricsModule(vu),
    "k6/encoding": () => encodingModule(),
    "k6/execution": () => executionModule(vu),
  };
  return (name) => {
    if (!made.has(name)) {
      const maker = makers[name];
      if (!maker) throw new Error(`module "${name}" is not provided by this engine`);
      made.set(name, maker());
    }
    return made.get(name);
  };
}
