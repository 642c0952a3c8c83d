import React, { useMemo, useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Button, InteractiveTable, LinkButton, Stack, Text, type Column } from '@grafana/ui';
import { generateWeeklyReport, listReports, reportUrl } from '../common/api';
import { useApp } from '../common/context';
import { formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { ReportInfo } from '../common/types';
import { useRequest } from '../common/useRequest';

export function Reports() {
  const { client } = useApp();
  const state = useRequest(() => listReports(client), [client]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const columns = useMemo<Array<Column<ReportInfo>>>(
    () => [
      { id: 'period', header: 'Period', cell: ({ row }) => `${row.original.period}, ${row.original.from.slice(0, 10)} to ${row.original.to.slice(0, 10)}` },
      { id: 'format', header: 'Format', cell: ({ row }) => row.original.format.toUpperCase() },
      { id: 'createdAt', header: 'Generated', cell: ({ row }) => formatTime(Date.parse(row.original.createdAt)) },
      { id: 'status', header: 'Status', cell: ({ row }) => row.original.error ?? row.original.status },
      {
        id: 'download',
        header: 'Download',
        cell: ({ row }) =>
          row.original.download ? (
            <LinkButton size="sm" variant="secondary" icon="download-alt" href={reportUrl(client, row.original.id)}>
              Download
            </LinkButton>
          ) : null,
      },
    ],
    [client]
  );

  const generate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await generateWeeklyReport(client);
      state.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Stack gap={2} alignItems="center">
          <Button icon="file-alt" onClick={generate} disabled={busy}>
            Generate last week&apos;s report
          </Button>
          {error && <Text color="error">{error}</Text>}
        </Stack>
        <RequestView state={state} what="reports">
          {(reports) => (
            <div data-testid="report-list">
              {reports.length === 0 ? (
                <Text color="secondary">No reports yet.</Text>
              ) : (
                <InteractiveTable columns={columns} data={reports} getRowId={(r) => r.id} pageSize={20} />
              )}
            </div>
          )}
        </RequestView>
      </Stack>
    </PluginPage>
  );
}
