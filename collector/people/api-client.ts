import { Agent, request } from 'undici';
import { COLLECTOR_ERROR_CODES, CollectorError } from '../errors.js';

/** How long one call to the people's API may take. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface ApiClientOptions {
  /** https://HOST:PORT of the collector. */
  url: string;
  token: string;
  /** PEM of the CA to trust; default: the system's CAs. */
  caPem?: string;
}

type Query = Record<string, string | undefined>;

/**
 * A person's client of the collector's API (bearer token). A refusal comes
 * back as a CollectorError with the collector's own code when it is one of
 * ours, so `vigil` prints the same code the API sent.
 */
export class PeopleApiClient {
  private readonly base: URL;
  private readonly dispatcher: Agent;

  constructor(private readonly options: ApiClientOptions) {
    this.base = parseBase(options.url);
    this.dispatcher = new Agent({
      connect: options.caPem ? { ca: options.caPem } : {},
    });
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.call<T>('GET', path, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, {}, JSON.stringify(body));
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Query,
    body?: string,
  ): Promise<T> {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const res = await request(url, {
      method,
      dispatcher: this.dispatcher,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body } : {}),
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    }).catch((error: unknown) => {
      throw unreachable(this.base, error);
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      throw refused(method, path, res.statusCode, text);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CollectorError(
        'VIGIL_API_REFUSED',
        `${method} ${path}: the collector answered something that is not JSON`,
      );
    }
  }
}

function parseBase(url: string): URL {
  try {
    return new URL(url.endsWith('/') ? url : `${url}/`);
  } catch {
    throw new CollectorError(
      'VIGIL_API_UNREACHABLE',
      `--collector: "${url.slice(0, 80)}" is not a URL (https://HOST:PORT)`,
    );
  }
}

function unreachable(base: URL, error: unknown): CollectorError {
  const code = (error as { code?: unknown }).code;
  return new CollectorError(
    'VIGIL_API_UNREACHABLE',
    `${base.origin}: ${typeof code === 'string' ? code : 'no answer'}` +
      ' (is the collector running, and is --ca its CA?)',
    { cause: error },
  );
}

// The reply's own code when it is one of the collector's; never the body.
function refused(
  method: string,
  path: string,
  status: number,
  text: string,
): CollectorError {
  let reply: { code?: unknown; message?: unknown } = {};
  try {
    reply = (JSON.parse(text) as { error?: typeof reply }).error ?? {};
  } catch {
    // not JSON: described by status alone
  }
  const code = COLLECTOR_ERROR_CODES.find((c) => c === reply.code);
  const message =
    typeof reply.message === 'string' ? reply.message.slice(0, 500) : '';
  return code
    ? new CollectorError(code, message || `${method} ${path}: HTTP ${status}`)
    : new CollectorError(
        'VIGIL_API_REFUSED',
        `${method} ${path}: HTTP ${status} ${String(reply.code ?? '')} ${message}`.trim(),
      );
}
