import { mkdir, open, readFile, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { LlmRecordingMemory, type LlmRecordingStore, type RecordedLlmCall } from "./recording-store.js";

/**
 * A recording as a JSON Lines file, one call per line, so that a long backtest writes each call
 * as it happens (a crash keeps what was answered so far and costs nothing to re-record), two
 * recordings can be joined with `cat`, and a diff shows which step changed. Recording appends:
 * the calls already in the file stay, and identical requests replay in the order they were
 * recorded. A file that cannot be read fails at open, naming the line, never mid-backtest.
 */

export interface LlmRecordingFile extends LlmRecordingStore {
  readonly path: string;
  readonly mode: "record" | "replay";
  /** Calls held: those loaded plus those recorded since. */
  readonly size: number;
  /** Calls written by this session. */
  readonly recorded: number;
  /** Resolves when every call recorded so far is on disk; rejects with the first write that failed. */
  flush(): Promise<void>;
  /** Flushes, then closes the file; recording after it throws. */
  close(): Promise<void>;
}

/** A recording file that cannot be used, with the file and, for a bad line, its number (from 1). */
export class LlmRecordingFileError extends Error {
  override readonly name = "LlmRecordingFileError";
  constructor(
    message: string,
    readonly path: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a line lacks to be a recorded call, or undefined when it is one. */
function defect(value: unknown): string | undefined {
  if (!isObject(value)) return "not a JSON object";
  if (typeof value.key !== "string" || value.key === "") return "no key";
  if (!isObject(value.request)) return "no request";
  if (!isObject(value.response) || !Array.isArray(value.response.content)) return "no response content";
  if (!isObject(value.response.finishReason)) return "no finish reason";
  if (!isObject(value.usage)) return "no usage";
  return undefined;
}

export function parseLlmRecording(text: string, path: string): RecordedLlmCall[] {
  const calls: RecordedLlmCall[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new LlmRecordingFileError(`${path}:${i + 1}: line ${i + 1} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, path, i + 1);
    }
    const problem = defect(value);
    if (problem) throw new LlmRecordingFileError(`${path}:${i + 1}: line ${i + 1} is not a recorded LLM call: ${problem}`, path, i + 1);
    calls.push(value as RecordedLlmCall);
  });
  return calls;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Opens a recording. Replay: the file must exist and every line must be a call. Record: the
 * file and its folder are made when missing, its calls are loaded (and checked), and each new
 * call is appended as one line when `put` resolves.
 */
export async function openLlmRecordingFile(path: string, mode: "record" | "replay"): Promise<LlmRecordingFile> {
  const text = await readIfExists(path);
  if (text === undefined && mode === "replay") throw new LlmRecordingFileError(`${path}: no LLM recording here; make one with --llm record`, path);
  const memory = new LlmRecordingMemory(parseLlmRecording(text ?? "", path));
  let handle: FileHandle | undefined;
  if (mode === "record") {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, "a");
  }
  // A file not ending in a newline (cut short, edited by hand) must not have a call glued to its last line.
  let separator = text && !text.endsWith("\n") ? "\n" : "";
  let writes: Promise<void> = Promise.resolve();
  let failure: unknown;
  let recorded = 0;
  let closed = false;

  const file: LlmRecordingFile = {
    path,
    mode,
    get size() {
      return memory.size;
    },
    get recorded() {
      return recorded;
    },
    get: (key) => memory.get(key),
    put(key, call) {
      if (!handle) throw new LlmRecordingFileError(`${path}: opened for replay; calls are recorded only with --llm record`, path);
      if (closed) throw new LlmRecordingFileError(`${path}: the recording is closed`, path);
      const out = handle;
      const line = `${separator}${JSON.stringify({ ...call, key })}\n`;
      separator = "";
      memory.put(key, call);
      const write = writes.then(async () => {
        await out.write(line);
        recorded++;
      });
      writes = write.catch((error: unknown) => void (failure ??= error));
      return write;
    },
    async flush() {
      await writes;
      if (failure !== undefined) throw failure;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await file.flush();
      } finally {
        await handle?.close();
      }
    },
  };
  return file;
}
