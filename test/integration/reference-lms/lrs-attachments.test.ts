import { createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { CompactSign, importPKCS8 } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lrs, startLrs, statement } from "./lrs.ts";

// xAPI 1.0.3 part 2, 2.4.11 (attachments) and 2.6 (signed statements); part 3, 1.5.2 (multipart/mixed).

let lrs: Lrs;
let signer: Awaited<ReturnType<typeof makeSigner>>;
let otherCert: string;
beforeAll(async () => {
  lrs = await startLrs();
  signer = await makeSigner();
  otherCert = (await makeSigner()).x5c;
});
afterAll(async () => {
  await lrs?.stack.stop();
});

/** An RSA key and a self-signed certificate for it (openssl), as a signing tool would hold them. */
async function makeSigner() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const dir = await mkdtemp(join(tmpdir(), "xapi-sign-"));
  try {
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await writeFile(join(dir, "key.pem"), pem);
    await execa(
      "openssl",
      [
        "req",
        "-x509",
        "-new",
        "-key",
        "key.pem",
        "-subj",
        "/CN=xapi-test",
        "-days",
        "2",
        "-outform",
        "DER",
        "-out",
        "cert.der",
      ],
      { cwd: dir },
    );
    return {
      key: await importPKCS8(pem, "RS256"),
      x5c: (await readFile(join(dir, "cert.der"))).toString("base64"),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
const attachmentOf = (content: Buffer, extra: Record<string, unknown> = {}) => ({
  usageType: "http://example.com/attachment-usage/test",
  display: { "en-US": "notes" },
  contentType: "text/plain",
  length: content.length,
  sha2: sha256(content),
  ...extra,
});

function multipart(json: unknown, parts: { content: Buffer | Uint8Array; type: string; hash?: string }[]) {
  const boundary = `b${randomUUID()}`;
  const chunks: Uint8Array[] = [
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(json)}\r\n`),
  ];
  for (const part of parts)
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Type: ${part.type}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${part.hash ?? sha256(part.content)}\r\n\r\n`,
      ),
      part.content,
      Buffer.from("\r\n"),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    headers: { "content-type": `multipart/mixed; boundary=${boundary}` },
  };
}

describe("attachments", () => {
  it("stores a multipart/mixed statement with its attachment and returns it with attachments=true", async () => {
    const content = Buffer.from("the learner's essay");
    const s = statement({ id: randomUUID(), attachments: [attachmentOf(content)] });
    const stored = await lrs.call("POST", "statements", multipart(s, [{ content, type: "text/plain" }]));
    expect(stored.status, stored.text).toBe(200);
    const back = await lrs.call("GET", `statements?statementId=${s.id}&attachments=true`);
    expect(back.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary=/);
    expect(back.text).toContain(`X-Experience-API-Hash: ${sha256(content)}`);
    expect(back.text).toContain("the learner's essay");
    const plain = await lrs.call("GET", `statements?statementId=${s.id}`);
    expect(plain.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("accepts a fileUrl attachment as plain JSON", async () => {
    const content = Buffer.from("elsewhere");
    const s = statement({
      attachments: [attachmentOf(content, { fileUrl: "http://example.com/essay.txt" })],
    });
    expect((await lrs.call("POST", "statements", { json: s })).status).toBe(200);
  });

  it("refuses a missing part, a part whose content does not match its hash, and a stray part", async () => {
    const content = Buffer.from("abc");
    const s = statement({ attachments: [attachmentOf(content)] });
    expect((await lrs.call("POST", "statements", { json: s })).status).toBe(400);
    const lying = multipart(s, [{ content: Buffer.from("abd"), type: "text/plain", hash: sha256(content) }]);
    expect((await lrs.call("POST", "statements", lying)).status).toBe(400);
    const stray = multipart(statement(), [{ content, type: "text/plain" }]);
    expect((await lrs.call("POST", "statements", stray)).status).toBe(400);
    const unhashed = multipart(s, [{ content, type: "text/plain", hash: "" }]);
    expect((await lrs.call("POST", "statements", unhashed)).status).toBe(400);
  });
});

describe("signed statements (JWS)", () => {
  const signatureAttachment = (jws: string) => ({
    usageType: "http://adlnet.gov/expapi/attachments/signature",
    display: { "en-US": "signature" },
    contentType: "application/octet-stream",
    length: Buffer.byteLength(jws),
    sha2: sha256(jws),
  });
  const sign = (payload: unknown, alg = "RS256", x5c = signer.x5c) =>
    new CompactSign(Buffer.from(JSON.stringify(payload)))
      .setProtectedHeader({ alg, x5c: [x5c] })
      .sign(signer.key);
  const send = (s: Record<string, unknown>, jws: string) =>
    lrs.call(
      "POST",
      "statements",
      multipart({ ...s, attachments: [signatureAttachment(jws)] }, [
        { content: Buffer.from(jws), type: "application/octet-stream" },
      ]),
    );

  it("stores a statement signed with RS256 whose certificate verifies it", async () => {
    const s = statement({ id: randomUUID() });
    const reply = await send(s, await sign(s));
    expect(reply.status, reply.text).toBe(200);
  });

  it("refuses a signature over another statement, by another key, or not a JWS", async () => {
    const s = statement({ id: randomUUID() });
    const other = await send(s, await sign({ ...s, verb: { id: "http://adlnet.gov/expapi/verbs/passed" } }));
    expect(other.status).toBe(400);
    expect(other.json.message).toMatch(/not the statement that was signed/);
    const wrongKey = await send(s, await sign(s, "RS256", otherCert));
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.json.message).toMatch(/does not verify/);
    expect((await send(s, "not-a-jws")).status).toBe(400);
  });
});
