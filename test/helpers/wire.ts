/**
 * Two ways to reach the API: fetch for well-formed HTTP, and a raw socket for what no
 * HTTP client will send (a wrong Content-Length, a broken chunked body, bytes in a header
 * that fetch refuses, two requests in one write). Both give plain answers to check.
 */
import { connect } from 'node:net';

/** An HTTP response, as the checks need it. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

export interface Request {
  method: string;
  /** Path and query, sent as given (percent-encoding and all). */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** A request through fetch. Bodies go as bytes, so fetch adds no content type of its own. */
export async function send(base: string, r: Request): Promise<Answer> {
  const response = await fetch(base + r.path, { method: r.method, headers: r.headers, body: r.body as RequestInit['body'], redirect: 'manual' });
  // An event stream of a running job never ends: its first bytes are answer enough.
  if (response.body && (response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const reader = response.body.getReader();
    const first = await reader.read();
    await reader.cancel();
    return { status: response.status, contentType: 'text/event-stream', text: new TextDecoder().decode(first.value ?? new Uint8Array()) };
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A request the server still waits on (a body shorter than its Content-Length) gets no answer: stop listening after this long. */
const RAW_IDLE_MS = 600;

/**
 * Writes `bytes` to a fresh connection and parses every response that comes back before
 * the server closes it (requests say Connection: close) or it falls silent. No answer at
 * all is an empty list: the server may just drop a request that never completes. The
 * sending side stays open: Node's server drops a half-closed connection unanswered.
 */
export function sendRaw(base: string, bytes: Uint8Array): Promise<Answer[]> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(bytes));
    let timer = setTimeout(() => socket.destroy(), RAW_IDLE_MS);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), RAW_IDLE_MS);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponses(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** HTTP/1.1 responses back to back: status line, headers, a body by Content-Length or chunked. */
export function parseResponses(buf: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  while (at < buf.length) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`an incomplete response head: ${JSON.stringify(buf.subarray(at).toString('latin1').slice(0, 200))}`);
    const [statusLine, ...lines] = buf.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!status) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    at = end + 4;
    let body: Buffer;
    if (headers.has('content-length')) {
      const length = Number(headers.get('content-length'));
      body = buf.subarray(at, at + length);
      at += length;
    } else if (headers.get('transfer-encoding') === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', at);
        const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
        at = lineEnd + 2;
        if (!size) break;
        parts.push(buf.subarray(at, at + size));
        at += size + 2;
      }
      at += 2;
      body = Buffer.concat(parts);
    } else {
      body = buf.subarray(at);
      at = buf.length;
    }
    answers.push({ status, contentType: headers.get('content-type') ?? '', text: body.toString('utf8') });
  }
  return answers;
}

/** The bytes of one HTTP/1.1 request, with Host and Connection: close added. */
export function rawRequest(method: string, path: string, headerLines: string[], body: Uint8Array = new Uint8Array()): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headerLines].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]);
}
