import React, { useState } from 'react';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import { Button, Field, InteractiveTable, Input, Select, Stack, Text, type Column } from '@grafana/ui';
import { listAudit, type AuditFilter } from '../common/api';
import { useApp } from '../common/context';
import { formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { AuditEntry } from '../common/types';
import { useRequest } from '../common/useRequest';

const RESULTS = [
  { label: 'Any result', value: '' },
  { label: 'ok', value: 'ok' },
  { label: 'denied', value: 'denied' },
  { label: 'refused', value: 'refused' },
  { label: 'failed', value: 'failed' },
];

const COLUMNS: Array<Column<AuditEntry>> = [
  { id: 'at', header: 'When', cell: ({ row }) => formatTime(Date.parse(row.original.at)) },
  { id: 'tokenName', header: 'Who', cell: ({ row }) => `${row.original.tokenName} (${row.original.role})` },
  { id: 'action', header: 'Action' },
  { id: 'target', header: 'Target', cell: ({ row }) => row.original.target ?? '—' },
  { id: 'result', header: 'Result', cell: ({ row }) => `${row.original.result} (${row.original.status})` },
  { id: 'error', header: 'Error', cell: ({ row }) => row.original.error ?? '' },
  { id: 'request', header: 'Request', cell: ({ row }) => <Text variant="code">{row.original.request}</Text> },
];

/**
 * The tenant's audit log: who changed what, when, with what result, newest first, filtered by action,
 * token and result, a page at a time. Grafana shows the page to its admins only, and its requests go
 * through the app's admin route, which carries an admin token.
 */
export function Audit() {
  const { admin } = useApp();
  const [draft, setDraft] = useState<AuditFilter>({});
  const [filter, setFilter] = useState<AuditFilter>({});
  // Cursors of the pages shown before this one, to go back.
  const [cursors, setCursors] = useState<Array<string | undefined>>([]);
  const state = useRequest(() => listAudit(admin, filter), [admin, filter]);
  const apply = () => {
    setCursors([]);
    setFilter({ ...draft, before: undefined });
  };
  const clean = (value: string) => (value.trim() === '' ? undefined : value.trim());

  return (
    <AppPage route={ROUTES.Audit}>
      <Stack direction="column" gap={2}>
        <Stack gap={1} alignItems="flex-end">
          <Field label="Action" noMargin>
            <Input width={28} placeholder="recommendation.apply,backfill.start" value={draft.action ?? ''} onChange={(e) => setDraft({ ...draft, action: clean(e.currentTarget.value) })} aria-label="Action filter" />
          </Field>
          <Field label="Token" noMargin>
            <Input width={18} placeholder="token name" value={draft.token ?? ''} onChange={(e) => setDraft({ ...draft, token: clean(e.currentTarget.value) })} aria-label="Token filter" />
          </Field>
          <Field label="Result" noMargin>
            <Select width={16} options={RESULTS} value={draft.result ?? ''} onChange={(v) => setDraft({ ...draft, result: clean(v.value ?? '') })} aria-label="Result filter" />
          </Field>
          <Button icon="filter" onClick={apply}>
            Apply
          </Button>
        </Stack>
        <RequestView state={state} what="audit log">
          {(page) => (
            <div data-testid="audit-log">
              {page.entries.length === 0 ? (
                <Text color="secondary">No entries.</Text>
              ) : (
                <InteractiveTable columns={COLUMNS} data={page.entries} getRowId={(e) => String(e.id)} />
              )}
              <Stack gap={1}>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={cursors.length === 0}
                  onClick={() => {
                    setFilter({ ...filter, before: cursors[cursors.length - 1] });
                    setCursors(cursors.slice(0, -1));
                  }}
                >
                  Newer
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={page.next === null}
                  onClick={() => {
                    setCursors([...cursors, filter.before]);
                    setFilter({ ...filter, before: page.next ?? undefined });
                  }}
                >
                  Older
                </Button>
              </Stack>
            </div>
          )}
        </RequestView>
      </Stack>
    </AppPage>
  );
}
