// Reads an exporter's TLS files (relative paths against CODEX_HOME).
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TlsFiles } from "../config/types.js";

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export async function readTlsFiles(tls: TlsFiles | undefined, codexHome: string): Promise<TlsMaterial> {
  if (!tls) return {};
  const load = async (file: string | undefined) => {
    if (!file) return undefined;
    const full = path.resolve(codexHome, file);
    try {
      return await readFile(full);
    } catch (error) {
      throw new Error(`failed to read ${full}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  };
  const [ca, cert, key] = await Promise.all([load(tls.caCertificate), load(tls.clientCertificate), load(tls.clientPrivateKey)]);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
