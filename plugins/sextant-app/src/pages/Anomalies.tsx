import { seriesKey } from '@sextant/core';
import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import {
  Badge,
  Field,
  FilterInput,
  InteractiveTable,
  LinkButton,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
  type Column,
} from '@grafana/ui';
import { listAnomalies, listDatasets } from '../common/api';
import { useApp } from '../common/context';
import { useLiveEvents } from '../common/live';
import { exploreUrl } from '../common/explore';
import { explanationBesideMembers, formatNumber, formatTime, SEVERITY_BADGE, seriesName } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { AnomalyEvent, Severity } from '../common/types';
import { useRequest } from '../common/useRequest';
import { DEFAULT_WINDOW_MS, windowEndingNow } from '../common/window';
import { AnomalySparkline } from '../components/AnomalySparkline';
import { BlamedMembers } from '../components/BlamedMembers';
import { WindowPicker } from '../components/WindowPicker';

type SeverityFilter = Severity | 'all';

const SEVERITY_OPTIONS: Array<{ label: string; value: SeverityFilter }> = [
  { label: 'All', value: 'all' },
  { label: 'Critical', value: 'critical' },
  { label: 'High', value: 'high' },
  { label: 'Medium', value: 'medium' },
  { label: 'Low', value: 'low' },
];

export const PAGE_SIZE = 15;

export function Anomalies() {
  const { client, settings } = useApp();
  const styles = useStyles2(getStyles);
  const [lengthMs, setLengthMs] = useState(DEFAULT_WINDOW_MS);
  const [severity, setSeverity] = useState<SeverityFilter>('all');
  const [search, setSearch] = useState('');
  // A new anomaly announced by the service moves the window's end to now and reloads the list.
  const [announced, setAnnounced] = useState(0);
  useLiveEvents(client.url('/api/v1/events'), ['anomaly'], () => setAnnounced((n) => n + 1));
  const window = useMemo(() => windowEndingNow(lengthMs), [lengthMs, announced]);
  const state = useRequest(() => listAnomalies(client, window), [client, window]);
  // The datasets' PromQL, for the Explore links.
  const datasets = useRequest(() => listDatasets(client), [client]);
  const datasetQueries = useMemo(() => new Map((datasets.value ?? []).map((d) => [d.name, d.query])), [datasets.value]);

  const columns = useMemo<Array<Column<AnomalyEvent>>>(
    () => [
      { id: 'time', header: 'Peak', cell: ({ row }) => <span className={styles.time}>{formatTime(row.original.peakAt)}</span> },
      {
        id: 'series',
        header: 'Series',
        cell: ({ row }) => <span className={styles.series}>{seriesName({ __name__: row.original.dataset, ...row.original.labels })}</span>,
      },
      {
        id: 'severity',
        header: 'Severity',
        cell: ({ row }) => <Badge text={row.original.severity} color={SEVERITY_BADGE[row.original.severity]} />,
      },
      { id: 'score', header: 'Score', cell: ({ row }) => row.original.peakScore.toFixed(2) },
      {
        id: 'value',
        header: 'Value (expected, band)',
        cell: ({ row }) => {
          const a = row.original;
          return `${formatNumber(a.value)} (${formatNumber(a.expected)}, ${formatNumber(a.lower)} – ${formatNumber(a.upper)})`;
        },
      },
      {
        id: 'sparkline',
        header: 'Around the event',
        cell: ({ row }) => <AnomalySparkline event={row.original} />,
      },
      { id: 'explanation', header: 'Explanation', cell: ({ row }) => <Explanation event={row.original} /> },
      {
        id: 'explore',
        header: '',
        cell: ({ row }) =>
          settings.prometheusUid ? (
            <LinkButton
              size="sm"
              variant="secondary"
              icon="compass"
              href={exploreUrl(
                settings.prometheusUid,
                datasetQueries.get(row.original.dataset),
                row.original.labels,
                row.original.start - 3_600_000,
                row.original.end + 3_600_000
              )}
            >
              Explore
            </LinkButton>
          ) : null,
      },
    ],
    [settings.prometheusUid, styles, datasetQueries]
  );

  return (
    <AppPage route={ROUTES.Anomalies}>
      <Stack direction="column" gap={2}>
        <Stack gap={2} wrap="wrap" alignItems="flex-end">
          <Field label="Window" noMargin>
            <WindowPicker value={lengthMs} onChange={setLengthMs} />
          </Field>
          <Field label="Severity" noMargin>
            <RadioButtonGroup size="sm" options={SEVERITY_OPTIONS} value={severity} onChange={setSeverity} />
          </Field>
          <Field label="Series or service" noMargin>
            {/* Matched as text, so the filter gets what was typed (Grafana escapes it for a regex by default). */}
            <FilterInput placeholder="Filter by label text" value={search} onChange={setSearch} escapeRegex={false} width={32} />
          </Field>
        </Stack>
        <RequestView state={state} what="anomalies">
          {(anomalies) => {
            const shown = filterAnomalies(anomalies, severity, search);
            return shown.length === 0 ? (
              <Text color="secondary">No anomalies in this window{anomalies.length > 0 ? ' match the filter' : ''}.</Text>
            ) : (
              <div data-testid="anomaly-list">
                <Text color="secondary">
                  {shown.length} of {anomalies.length} anomalies
                </Text>
                <InteractiveTable columns={columns} data={shown} getRowId={(a) => `${a.dataset}${seriesKey(a.labels)}${a.start}`} pageSize={PAGE_SIZE} />
              </div>
            );
          }}
        </RequestView>
      </Stack>
    </AppPage>
  );
}

/** What the detector that fired found, in words, and for a group event the members it blames. */
export function Explanation({ event }: { event: AnomalyEvent }) {
  const members = event.evidence?.members ?? [];
  return (
    <div data-testid="anomaly-explanation">
      <Text variant="bodySmall" data-testid="explanation-text">
        {explanationBesideMembers(event)}
      </Text>
      {members.length > 0 && <BlamedMembers members={members} />}
    </div>
  );
}

export function filterAnomalies(anomalies: AnomalyEvent[], severity: SeverityFilter, search: string): AnomalyEvent[] {
  const needle = search.trim().toLowerCase();
  return anomalies.filter(
    (a) =>
      (severity === 'all' || a.severity === severity) &&
      (needle === '' || seriesName({ __name__: a.dataset, ...a.labels }).toLowerCase().includes(needle))
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // One line: a date broken over three lines makes every row three lines high.
  time: css({ whiteSpace: 'nowrap' }),
  series: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
});
