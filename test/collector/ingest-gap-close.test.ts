import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../collector/data-dir.js';
import { Ingest, type IntegrityNotice } from '../../collector/ingest/ingest.js';
import { triageViolation } from '../../collector/people/triage.js';
import { PolicySet } from '../../collector/policy/policy-set.js';
import type { AccessEvent } from '../../protocol/event.js';
import {
  startCollectorFixture,
  type CollectorFixture,
} from '../helpers/collector-fixture.js';
import {
  chainOf,
  chainView,
  enrollSender,
  sealFor,
  type Sender,
} from './ingest-senders.js';

const POLICY = `id: records
severity: high
paths: ["/srv/records/**"]
allow:
  - name: readers
    users: [bob]
    actions: [read]
`;

describe('Ingest gap closing', () => {
  let fx: CollectorFixture;

  beforeAll(async () => {
    fx = await startCollectorFixture(POLICY);
  }, 60_000);

  afterAll(async () => {
    await fx?.close();
  });

  describe('when ingest runs in-process with a listener', () => {
    let a: Sender;
    let chain: AccessEvent[];
    const heard: IntegrityNotice[] = [];

    function accept(events: AccessEvent[]) {
      const store = openStore(fx.identity.dir);
      try {
        const ingest = new Ingest({
          store,
          identity: fx.identity,
          policies: () => PolicySet.load(join(fx.root, 'policies')),
          onIntegrity: (notice) => heard.push(notice),
        });
        return ingest.accept(store.getAgent(a.id)!, sealFor(a, events));
      } finally {
        store.close();
      }
    }

    beforeAll(async () => {
      a = await enrollSender(
        fx.collector.url,
        fx.identity.dir,
        fx.identity.caFingerprint,
        join(fx.root, 'agent-gaps'),
      );
      chain = chainOf(a.id, 6);
    });

    it('hears each integrity violation raised and closed', () => {
      accept(chain.slice(2, 3));
      const result = accept(chain.slice(0, 2));
      expect(heard).toMatchObject([
        { kind: 'integrity.gap', status: 'open', agent: a.id },
        { kind: 'integrity.gap', status: 'resolved', agent: a.id },
      ]);
      expect(result.integrity).toEqual([heard[1]]);
    });

    it('leaves a gap a person resolved as they left it', () => {
      heard.length = 0;
      accept(chain.slice(4, 6));
      const id = heard[0]!.id;
      const store = openStore(fx.identity.dir);
      try {
        triageViolation(
          store,
          id,
          'resolve',
          { name: 'alice', role: 'analyst' },
          'the vendor restored the machine from a backup',
        );
      } finally {
        store.close();
      }
      const result = accept(chain.slice(3, 4));
      expect(result.integrity).toEqual([]);
      const view = chainView(fx.identity.dir, a.id);
      expect(view.gaps.at(-1)).toMatchObject({ resolved_by: 'collector' });
      expect(
        view.history.filter((h) => h.violation === id).map((h) => h.actor),
      ).toEqual(['alice']);
    });
  });
});
