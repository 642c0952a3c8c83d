import React, { useMemo, useState } from 'react';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import { Button, InteractiveTable, LinkButton, Stack, Text, type Column } from '@grafana/ui';
import { generateWeeklyReport, listReports, reportUrl } from '../common/api';
import { useApp } from '../common/context';
import { formatBytes, formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { SextantClient } from '../common/client';
import type { ReportInfo } from '../common/types';
import { useRequest } from '../common/useRequest';

export function Reports() {
  const { client } = useApp();
  const state = useRequest(() => listReports(client), [client]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [generated, setGenerated] = useState<ReportInfo>();
  const columns = useMemo<Array<Column<ReportInfo>>>(
    () => [
      { id: 'period', header: 'Period', cell: ({ row }) => describePeriod(row.original) },
      { id: 'format', header: 'Format', cell: ({ row }) => row.original.format.toUpperCase() },
      { id: 'bytes', header: 'Size', cell: ({ row }) => (row.original.bytes === undefined ? '—' : formatBytes(row.original.bytes)) },
      { id: 'createdAt', header: 'Generated', cell: ({ row }) => formatTime(Date.parse(row.original.createdAt)) },
      { id: 'status', header: 'Status', cell: ({ row }) => row.original.error ?? row.original.status },
      { id: 'download', header: 'Download', cell: ({ row }) => <ReportDownloads client={client} report={row.original} /> },
    ],
    [client]
  );

  const generate = async () => {
    setBusy(true);
    setError(undefined);
    setGenerated(undefined);
    try {
      setGenerated(await generateWeeklyReport(client));
      state.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AppPage route={ROUTES.Reports}>
      <Stack direction="column" gap={2}>
        <Stack gap={2} alignItems="center">
          <Button icon="file-alt" onClick={generate} disabled={busy}>
            Generate last week&apos;s report
          </Button>
          {error && <Text color="error">{error}</Text>}
          {generated && <Text color="success">Report generated: {describePeriod(generated)}.</Text>}
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
    </AppPage>
  );
}

/**
 * "weekly, 2026-11-16 to 2026-11-22": the days the report covers (the API's `to` is exclusive); a
 * partial report (made before its period was over) says up to when it counts.
 */
export function describePeriod(report: ReportInfo): string {
  const lastDay = new Date(Date.parse(report.to) - 1).toISOString().slice(0, 10);
  const firstDay = report.from.slice(0, 10);
  const days = firstDay === lastDay ? `${report.period}, ${firstDay}` : `${report.period}, ${firstDay} to ${lastDay}`;
  return report.partial ? `${days} (partial: up to ${report.createdAt.slice(0, 16).replace('T', ' ')} UTC)` : days;
}

/** One link for a one-file report; one per table for csv and parquet (the service sends one table a file). */
export function ReportDownloads({ client, report }: { client: SextantClient; report: ReportInfo }) {
  if (!report.download) {
    return null;
  }
  const files = report.tables
    ? report.tables.map((table) => ({ label: table, name: `${report.id}-${table}.${report.format}`, href: reportUrl(client, report.id, table) }))
    : [{ label: 'Download', name: `${report.id}.${report.format}`, href: reportUrl(client, report.id) }];
  return (
    <Stack gap={0.5} wrap="wrap">
      {files.map((file) => (
        // A target keeps Grafana from taking the click for a page of its own (it routes links
        // without one); `download` saves the file instead of opening it.
        <LinkButton key={file.name} size="sm" variant="secondary" icon="download-alt" href={file.href} target="_blank" download={file.name}>
          {file.label}
        </LinkButton>
      ))}
    </Stack>
  );
}
