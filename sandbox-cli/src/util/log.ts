import pc from "picocolors";

/** Human progress goes to stderr so `--json` output on stdout stays machine-readable. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  step<T>(title: string, work: () => Promise<T>): Promise<T>;
}

const interactive = () => Boolean(process.stderr.isTTY) && !process.env.CI;

export function createLogger(options: { quiet?: boolean } = {}): Logger {
  const write = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  return {
    info: (message) => write(message),
    warn: (message) => write(`${pc.yellow("warning:")} ${message}`),
    async step(title, work) {
      const started = performance.now();
      write(interactive() ? `${pc.cyan("›")} ${title}` : `[step] ${title}`);
      try {
        const result = await work();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        write(
          interactive()
            ? `${pc.green("✔")} ${title} ${pc.dim(`${seconds}s`)}`
            : `[done] ${title} (${seconds}s)`,
        );
        return result;
      } catch (error) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        write(
          interactive()
            ? `${pc.red("✖")} ${title} ${pc.dim(`${seconds}s`)}`
            : `[failed] ${title} (${seconds}s)`,
        );
        throw error;
      }
    },
  };
}

export const silentLogger: Logger = createLogger({ quiet: true });

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
