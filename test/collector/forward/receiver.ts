import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One forwarded record as the receiver got it. */
export interface Received {
  /** metadata.uid (OCSF) or event.id (ECS). */
  id: string;
  record: Record<string, unknown>;
  text: string;
}

/** One POST, and what the receiver answered. */
export interface ReceivedRequest {
  status: number;
  headers: IncomingHttpHeaders;
  lines: string[];
}

/** What to answer a POST: status and headers; only 2xx keeps its lines. */
export type Answer = (request: {
  index: number;
  lines: string[];
  headers: IncomingHttpHeaders;
}) => { status: number; headers?: Record<string, string> };

/** A SIEM's HTTP input as a test runs it: node:http on 127.0.0.1. */
export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Every record of every 2xx answer, duplicates included, in order. */
  records: Received[];
  ids(): Set<string>;
  close(): Promise<void>;
}

export const ACCEPT: Answer = () => ({ status: 200 });

/**
 * Starts a receiver on 127.0.0.1 (port 0: any free one). With `delayMs`,
 * it keeps what a POST held, then waits that long before answering, as a
 * slow SIEM does: a sender killed meanwhile never learns it was stored.
 */
export async function startReceiver(
  answer: Answer = ACCEPT,
  port = 0,
  delayMs = 0,
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const records: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const lines = Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0);
      const reply = answer({
        index: requests.length,
        lines,
        headers: req.headers,
      });
      requests.push({ status: reply.status, headers: req.headers, lines });
      if (reply.status >= 200 && reply.status < 300) {
        for (const text of lines) records.push(parse(text));
      }
      setTimeout(() => {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(port, '127.0.0.1', resolve),
  );
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/ingest`,
    port: bound,
    requests,
    records,
    ids: () => new Set(records.map((r) => r.id)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The stable id of a forwarded OCSF or ECS record. */
export function recordId(record: Record<string, unknown>): string {
  const metadata = record.metadata as { uid?: string } | undefined;
  const event = record.event as { id?: string } | undefined;
  return metadata?.uid ?? event?.id ?? '';
}

function parse(text: string): Received {
  const record = JSON.parse(text) as Record<string, unknown>;
  return { id: recordId(record), record, text };
}
