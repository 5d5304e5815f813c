import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { isRecord } from '../../protocol/is-record.js';
import { CollectorError } from '../errors.js';
import { recordAudit } from '../people/audit-log.js';
import {
  listViolationPage,
  parseViolationId,
  violationDetail,
} from '../people/violation-reads.js';
import { parseViolationQuery } from '../people/violation-query.js';
import { toHistoryEntry } from '../people/violation-view.js';
import { TRIAGE_ACTIONS, triageViolation } from '../people/triage.js';
import type { CollectorStore, ViolationFilter } from '../store/store.js';
import { personHook, personOf } from './person-auth.js';

/** Rows read from the store per step of an export. */
const EXPORT_PAGE_ROWS = 500;

/**
 * The people's API for violations: list (filtered, paginated), export,
 * show, and the triage actions ack, resolve and reopen.
 */
export function violationRoutes(store: CollectorStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', personHook(store));

    app.get(
      '/v1/violations',
      { config: { permission: 'violations.read' } },
      async (request) =>
        listViolationPage(
          store,
          parseViolationQuery(request.query, { paged: true }),
        ),
    );

    app.get(
      '/v1/violations/export',
      { config: { permission: 'violations.export' } },
      async (request, reply) => {
        const filter = parseViolationQuery(request.query, { paged: false });
        recordAudit(store, {
          actor: `api:${personOf(request).name}`,
          action: 'violations.exported',
          target: 'violations',
          detail: { filter },
        });
        return reply
          .type('application/x-ndjson')
          .send(Readable.from(exportLines(store, filter)));
      },
    );

    app.get<{ Params: { id: string } }>(
      '/v1/violations/:id',
      { config: { permission: 'violations.read' } },
      async (request) =>
        violationDetail(store, parseViolationId(request.params.id)),
    );

    for (const action of TRIAGE_ACTIONS) {
      app.post<{ Params: { id: string } }>(
        `/v1/violations/:id/${action}`,
        { config: { permission: 'violations.triage' } },
        async (request) => {
          const id = parseViolationId(request.params.id);
          const detail = triageViolation(
            store,
            id,
            action,
            personOf(request),
            noteOf(request.body),
          );
          request.log.info({ violation: id, action }, 'violation triaged');
          return detail;
        },
      );
    }
  };
}

/**
 * NDJSON, one violation with its history per line. Read a page at a time:
 * an open SQLite cursor would keep the connection busy between chunks,
 * and ingest shares it.
 */
function* exportLines(store: CollectorStore, filter: ViolationFilter) {
  let after = filter.after ?? 0;
  for (;;) {
    const page = listViolationPage(store, {
      ...filter,
      after,
      limit: EXPORT_PAGE_ROWS,
    });
    for (const violation of page.violations) {
      const history = store.historyOf(violation.id).map(toHistoryEntry);
      yield JSON.stringify({ ...violation, history }) + '\n';
    }
    if (page.next === null) return;
    after = page.next;
  }
}

// The body is optional ({"note": "…"}); anything else is refused by name.
function noteOf(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (!isRecord(body) || Object.keys(body).some((k) => k !== 'note')) {
    throw new CollectorError(
      'VIGIL_BODY_INVALID',
      'body: only {"note": "…"} is accepted',
    );
  }
  if (body.note !== undefined && typeof body.note !== 'string') {
    throw new CollectorError('VIGIL_BODY_INVALID', 'note: must be a string');
  }
  return body.note;
}
