import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** What a raw request got back; status 0 when the server only closed. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawTarget {
  port: number;
  /** Without a CA the exchange is plain TCP. */
  ca?: string;
  cert?: string;
  key?: string;
}

/** Longest a raw exchange may take before it counts as a hang. */
const RAW_TIMEOUT_MS = 15_000;

/**
 * Writes `bytes` as they are over one TLS connection and reads the reply
 * until the server closes it: for requests no HTTP client would send
 * (NUL bytes, dot segments, lying lengths, cut bodies).
 */
export function rawExchange(
  target: RawTarget,
  bytes: Buffer,
  options: { halfClose?: boolean } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = target.ca
      ? connectTls({
          host: '127.0.0.1',
          port: target.port,
          ca: target.ca,
          cert: target.cert,
          key: target.key,
          servername: 'localhost',
        })
      : connectTcp({ host: '127.0.0.1', port: target.port });
    const ready = target.ca ? 'secureConnect' : 'connect';
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw request: no reply in time'));
    }, RAW_TIMEOUT_MS);
    socket.on(ready, () => {
      socket.write(bytes);
      if (options.halfClose) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the reply was written still leaves a reply to read.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseReply(Buffer.concat(chunks).toString('latin1')));
    });
  });
}

/** An HTTP/1.1 request with `Connection: close`, as bytes. */
export function httpRequest(
  method: string,
  target: string | Buffer,
  headers: Record<string, string>,
  body: Buffer | string = '',
): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const length =
    bytes.length > 0 ? { 'content-length': `${bytes.length}` } : {};
  const head = Object.entries({
    host: 'localhost',
    connection: 'close',
    ...length,
    ...headers,
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([
    Buffer.from(`${method} `, 'latin1'),
    Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
    Buffer.from(` HTTP/1.1\r\n${head}\r\n`, 'latin1'),
    bytes,
  ]);
}

function parseReply(text: string): RawReply {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line
      .slice(colon + 1)
      .trim();
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
  let body = text.slice(end + 4);
  // Chunked replies: keep the chunks' data only.
  if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
  return { status, headers, body };
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}
