import React, { useMemo, useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, InteractiveTable, LinkButton, Stack, Text, type Column } from '@grafana/ui';
import { generateReport, listReports, reportUrl } from '../common/api';
import { SextantError } from '../common/client';
import { useApp } from '../common/context';
import { formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { ReportInfo } from '../common/types';
import { useRequest } from '../common/useRequest';
import { WEEK_MS, windowEndingNow } from '../common/window';

export function Reports() {
  const { client } = useApp();
  const state = useRequest(() => listReports(client), [client]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const columns = useMemo<Array<Column<ReportInfo>>>(
    () => [
      { id: 'name', header: 'Report', cell: ({ row }) => row.original.name },
      { id: 'time', header: 'Generated', cell: ({ row }) => formatTime(row.original.time) },
      {
        id: 'download',
        header: 'Download',
        cell: ({ row }) => (
          <Stack gap={1}>
            {row.original.formats.map((format) => (
              <LinkButton key={format} size="sm" variant="secondary" icon="download-alt" href={reportUrl(client, row.original.id, format)}>
                {format.toUpperCase()}
              </LinkButton>
            ))}
          </Stack>
        ),
      },
    ],
    [client]
  );

  const generate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await generateReport(client, windowEndingNow(WEEK_MS));
      state.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  // A Sextant without the reports feature answers 404: say so instead of showing an error.
  if (state.error instanceof SextantError && state.error.status === 404) {
    return (
      <PluginPage>
        <Alert severity="info" title="Reports are not available">
          This Sextant service does not offer reports yet.
        </Alert>
      </PluginPage>
    );
  }
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Stack gap={2} alignItems="center">
          <Button icon="file-alt" onClick={generate} disabled={busy}>
            Generate weekly report
          </Button>
          {error && <Text color="error">{error}</Text>}
        </Stack>
        <RequestView state={state} what="reports">
          {(reports) =>
            reports.length === 0 ? (
              <Text color="secondary">No reports yet.</Text>
            ) : (
              <InteractiveTable columns={columns} data={reports} getRowId={(r) => r.id} pageSize={20} />
            )
          }
        </RequestView>
      </Stack>
    </PluginPage>
  );
}
