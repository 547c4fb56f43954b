/**
 * Turns a bundled k6-style script (one ES module, its `k6/*` imports left as imports) into a factory the
 * engine calls once per VU. k6's API is blocking (`http.get` returns the response, `sleep` waits); the engine
 * runs thousands of VUs as async tasks on one event loop, so every function that can reach a blocking call
 * becomes `async` and every call to one is awaited. What cannot be made so (a blocking call in the init
 * context, or inside a callback handed to a built-in such as `forEach`) is refused with what to write instead.
 */
import { parse } from "acorn";
import { ancestor } from "acorn-walk";
import MagicString from "magic-string";
import { MODULE_EXPORTS, ScriptError } from "./supported.ts";

/** A loose view of an ESTree node (acorn's own types are a union too wide to narrow cheaply here). */
interface N {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}
const isNode = (value: unknown): value is N =>
  typeof value === "object" && value !== null && typeof (value as N).type === "string";
const child = (node: N, key: string) => (isNode(node[key]) ? (node[key] as N) : undefined);
const nameOf = (node: N | undefined) =>
  node?.type === "Identifier" ? (node.name as string) : node?.type === "Literal" ? String(node.value) : "";

const BLOCKING_HTTP = new Set(["get", "post", "put", "del", "patch", "head", "options", "request", "batch"]);
const BLOCKING_K6 = new Set(["sleep", "group"]);
const FUNCTION = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

export interface TransformedScript {
  /** the factory's body: `(__k6require, __ENV, __VU, __k6iter) => exports`. */
  readonly body: string;
  readonly imports: readonly string[];
}

interface Analysis {
  /** local names bound to a blocking k6 function (`sleep`, `group`, `get`, ...). */
  readonly blockingIds: Set<string>;
  /** local names bound to the k6/http module or the k6 module as a whole. */
  readonly namespaces: Map<string, "k6/http" | "k6">;
}

const snippet = (code: string, node: N) => code.slice(node.start, Math.min(node.end, node.start + 70));

/** Reads the imports: refuses unknown modules and unknown names, records the blocking bindings. */
function readImports(program: N): Analysis & { imports: string[] } {
  const analysis: Analysis & { imports: string[] } = {
    blockingIds: new Set(),
    namespaces: new Map(),
    imports: [],
  };
  for (const node of program.body as N[]) {
    if (node.type !== "ImportDeclaration") continue;
    const source = String((node.source as N).value);
    analysis.imports.push(source);
    const exported = MODULE_EXPORTS[source];
    if (!exported) throw ScriptError.unsupportedImport(source);
    for (const spec of node.specifiers as N[]) {
      const local = nameOf(child(spec, "local"));
      if (spec.type !== "ImportSpecifier") {
        if (source === "k6/http" || source === "k6") analysis.namespaces.set(local, source);
        continue;
      }
      const imported = nameOf(child(spec, "imported"));
      if (!exported.includes(imported)) throw ScriptError.unsupportedName(source, imported);
      if (
        (source === "k6/http" && BLOCKING_HTTP.has(imported)) ||
        (source === "k6" && BLOCKING_K6.has(imported))
      )
        analysis.blockingIds.add(local);
    }
  }
  return analysis;
}

/** The name a function is known by (declaration, `const f = ...`, `f: function`, `f() {}`), if any. */
function functionName(fn: N, parent: N | undefined): string | undefined {
  if (fn.type === "FunctionDeclaration") return nameOf(child(fn, "id"));
  if (!parent) return undefined;
  if (parent.type === "VariableDeclarator" && parent.init === fn) return nameOf(child(parent, "id"));
  if ((parent.type === "Property" || parent.type === "MethodDefinition") && parent.value === fn)
    return nameOf(child(parent, "key"));
  if (parent.type === "AssignmentExpression" && parent.right === fn) {
    const left = child(parent, "left");
    return left?.type === "MemberExpression" ? nameOf(child(left, "property")) : nameOf(left);
  }
  return undefined;
}

interface FnInfo {
  readonly node: N;
  readonly parent: N | undefined;
  readonly name: string | undefined;
  /** callee names this function calls directly (not inside nested functions), with the call nodes. */
  readonly calls: { readonly call: N; readonly callee: string; readonly member: string | undefined }[];
  blocking: boolean;
}

function calleeOf(call: N): { callee: string; member: string | undefined } {
  const callee = child(call, "callee") as N;
  if (callee.type === "MemberExpression" && !callee.computed)
    return { callee: nameOf(child(callee, "property")), member: nameOf(child(callee, "object")) };
  return { callee: nameOf(callee), member: undefined };
}

function collectFunctions(program: N): { fns: Map<N, FnInfo>; topCalls: N[]; freeIter: N[] } {
  const fns = new Map<N, FnInfo>();
  const callsOf = new Map<N, FnInfo["calls"][number][]>();
  const topCalls: N[] = [];
  const freeIter: N[] = [];
  // acorn-walk calls back after a node's children: calls are kept by their owner and joined at the end
  const visit = (node: N, _state: unknown, ancestors: N[]) => {
    const owner = ancestors
      .slice(0, -1)
      .reverse()
      .find((a) => FUNCTION.has(a.type));
    if (FUNCTION.has(node.type)) {
      const parent = ancestors[ancestors.length - 2];
      fns.set(node, { node, parent, name: functionName(node, parent), calls: [], blocking: false });
    } else if (node.type === "CallExpression") {
      if (!owner) topCalls.push(node);
      else callsOf.set(owner, [...(callsOf.get(owner) ?? []), { call: node, ...calleeOf(node) }]);
    } else if (node.type === "Identifier" && node.name === "__ITER") {
      freeIter.push(node);
    }
  };
  const handlers = Object.fromEntries(
    [...FUNCTION, "CallExpression", "Identifier"].map((type) => [type, visit]),
  ) as Parameters<typeof ancestor>[1];
  ancestor(program as never, handlers);
  for (const [owner, calls] of callsOf) fns.get(owner)?.calls.push(...calls);
  return { fns, topCalls, freeIter };
}

type Call = FnInfo["calls"][number];

/** Whether a call may block: a k6 blocking function, or a function of the script that can reach one. */
function blockingCall(c: Call, analysis: Analysis, blockingNames: ReadonlySet<string>): boolean {
  if (c.member === undefined) return analysis.blockingIds.has(c.callee) || blockingNames.has(c.callee);
  const namespace = analysis.namespaces.get(c.member);
  if (namespace) return (namespace === "k6/http" ? BLOCKING_HTTP : BLOCKING_K6).has(c.callee);
  return blockingNames.has(c.callee);
}

/** Marks every function that can reach a blocking call (a fixpoint over names). */
function markBlocking(fns: Map<N, FnInfo>, analysis: Analysis): Set<string> {
  const blockingNames = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const info of fns.values()) {
      if (info.blocking || !info.calls.some((c) => blockingCall(c, analysis, blockingNames))) continue;
      info.blocking = true;
      changed = true;
      if (info.name) blockingNames.add(info.name);
    }
  }
  return blockingNames;
}

/** Refuses a blocking function handed to anything but `group`, and blocking generators or accessors. */
function checkPlacement(code: string, info: FnInfo, analysis: Analysis): void {
  const { node, parent } = info;
  if (node.generator)
    throw ScriptError.blockingCallback(snippet(code, node), "a generator", "a plain function");
  if (parent?.type === "Property" && (parent.kind === "get" || parent.kind === "set"))
    throw ScriptError.blockingCallback(snippet(code, node), "a getter or setter", "a method");
  if (parent?.type === "MethodDefinition" && parent.kind === "constructor")
    throw ScriptError.blockingCallback(snippet(code, node), "a constructor", "a method called after `new`");
  if (parent?.type !== "CallExpression" && parent?.type !== "NewExpression") return;
  if ((parent.arguments as N[]).includes(node)) {
    const { callee, member } = calleeOf(parent);
    const isGroup =
      callee === "group" &&
      (member === undefined ? analysis.blockingIds.has("group") : analysis.namespaces.get(member) === "k6");
    if (!isGroup)
      throw ScriptError.blockingCallback(
        snippet(code, node),
        `a callback passed to ${member ? `${member}.` : ""}${callee}()`,
        "a for...of loop, or a named function called directly",
      );
  }
}

function rewriteImports(program: N, out: MagicString): void {
  for (const node of program.body as N[]) {
    if (node.type !== "ImportDeclaration") continue;
    const source = JSON.stringify(String((node.source as N).value));
    const parts = (node.specifiers as N[]).map((spec) => {
      const local = nameOf(child(spec, "local"));
      if (spec.type === "ImportDefaultSpecifier") return `const ${local} = __k6require(${source}).default;`;
      if (spec.type === "ImportNamespaceSpecifier") return `const ${local} = __k6require(${source});`;
      return `const { ${nameOf(child(spec, "imported"))}: ${local} } = __k6require(${source});`;
    });
    out.overwrite(node.start, node.end, parts.join(" ") || `__k6require(${source});`);
  }
}

/** Removes `export` forms and returns the `return { ... }` of the factory. */
function rewriteExports(program: N, out: MagicString): string {
  const entries: string[] = [];
  for (const node of program.body as N[]) {
    if (node.type === "ExportNamedDeclaration") {
      const declaration = child(node, "declaration");
      if (declaration) {
        out.remove(node.start, declaration.start);
        const names =
          declaration.type === "VariableDeclaration"
            ? (declaration.declarations as N[]).map((d) => nameOf(child(d, "id")))
            : [nameOf(child(declaration, "id"))];
        for (const name of names) entries.push(`${JSON.stringify(name)}: ${name}`);
      } else {
        if (node.source) throw ScriptError.unsupportedImport(String((node.source as N).value));
        for (const spec of node.specifiers as N[])
          entries.push(`${JSON.stringify(nameOf(child(spec, "exported")))}: ${nameOf(child(spec, "local"))}`);
        out.remove(node.start, node.end);
      }
    } else if (node.type === "ExportDefaultDeclaration") {
      const declaration = child(node, "declaration") as N;
      const named = nameOf(child(declaration, "id"));
      if (named) {
        out.remove(node.start, declaration.start);
        entries.push(`"default": ${named}`);
      } else {
        out.overwrite(node.start, declaration.start, "const __k6default = ");
        entries.push(`"default": __k6default`);
      }
    } else if (node.type === "ExportAllDeclaration") {
      throw ScriptError.unsupportedImport(String((node.source as N).value));
    }
  }
  return `return { ${entries.join(", ")} };`;
}

/** The whole transform: parse, check, mark, rewrite. `code` is esbuild's ESM bundle of the script. */
export function transformScript(code: string): TransformedScript {
  let program: N;
  try {
    program = parse(code, { ecmaVersion: "latest", sourceType: "module" }) as unknown as N;
  } catch (error) {
    throw ScriptError.syntax((error as Error).message);
  }
  const analysis = readImports(program);
  const { fns, topCalls, freeIter } = collectFunctions(program);
  const blockingNames = markBlocking(fns, analysis);
  for (const call of topCalls) {
    const c = { call, ...calleeOf(call) };
    if (blockingCall(c, analysis, blockingNames)) throw ScriptError.initContext(snippet(code, call));
    if (c.member === undefined && c.callee === "open") throw ScriptError.unsupportedGlobal("open()");
  }
  const out = new MagicString(code);
  for (const info of fns.values()) {
    if (!info.blocking) continue;
    checkPlacement(code, info, analysis);
    const { parent } = info;
    const at =
      (parent?.type === "Property" && parent.method) || parent?.type === "MethodDefinition"
        ? (child(parent, "key") as N).start
        : info.node.start;
    if (!info.node.async) out.prependLeft(at, "async ");
    for (const c of info.calls) {
      if (!blockingCall(c, analysis, blockingNames)) continue;
      out.prependLeft(c.call.start, "(await ");
      out.appendRight(c.call.end, ")");
    }
  }
  for (const node of freeIter) out.overwrite(node.start, node.end, "__k6iter()");
  rewriteImports(program, out);
  const returned = rewriteExports(program, out);
  return { body: `"use strict";\n${out.toString()}\n${returned}`, imports: analysis.imports };
}
