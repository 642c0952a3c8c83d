import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Badge, Field, InteractiveTable, Stack, useStyles2, type Column } from '@grafana/ui';
import { alertAnalysis, type Window } from '../common/api';
import { useApp } from '../common/context';
import { formatDuration, formatTime, seriesName } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { AlertAnalysis } from '../common/types';
import { useRequest } from '../common/useRequest';
import { WEEK_MS, windowEndingNow } from '../common/window';
import { Section } from '../components/Section';
import { Stat } from '../components/Stat';
import { WindowPicker } from '../components/WindowPicker';

type RuleRow = AlertAnalysis['rules'][number];
type FlapRow = AlertAnalysis['flapping'][number];
type SuppressedRow = AlertAnalysis['suppressed'][number];

const RULE_COLUMNS: Array<Column<RuleRow>> = [
  { id: 'alertname', header: 'Rule', cell: ({ row }) => row.original.alertname },
  { id: 'firings', header: 'Firings', sortType: 'number', cell: ({ row }) => row.original.firings },
  { id: 'mttr', header: 'MTTR', cell: ({ row }) => formatDuration(row.original.mttrSeconds) },
  { id: 'flapping', header: '', cell: ({ row }) => (row.original.flapping ? <Badge text="flapping" color="orange" /> : null) },
];

const FLAP_COLUMNS: Array<Column<FlapRow>> = [
  { id: 'alertname', header: 'Alert', cell: ({ row }) => row.original.alertname },
  { id: 'labels', header: 'Labels', cell: ({ row }) => seriesName(row.original.labels) },
  { id: 'transitions', header: 'State changes', cell: ({ row }) => row.original.transitions },
];

const SUPPRESSED_COLUMNS: Array<Column<SuppressedRow>> = [
  { id: 'alertname', header: 'Alert', cell: ({ row }) => row.original.alertname },
  { id: 'labels', header: 'Labels', cell: ({ row }) => seriesName(row.original.labels) },
  { id: 'state', header: 'Suppressed by', cell: ({ row }) => <Badge text={row.original.state} color="purple" /> },
  { id: 'time', header: 'Since', cell: ({ row }) => formatTime(row.original.time) },
];

export function AlertAnalytics() {
  const { client } = useApp();
  const [lengthMs, setLengthMs] = useState(WEEK_MS);
  const window = useMemo<Window>(() => windowEndingNow(lengthMs), [lengthMs]);
  const state = useRequest(() => alertAnalysis(client, window), [client, window]);
  const styles = useStyles2(getStyles);
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Field label="Window" noMargin>
          <WindowPicker value={lengthMs} onChange={setLengthMs} />
        </Field>
        <RequestView state={state} what="alert analytics">
          {(analysis) => (
            <div data-testid="alert-analytics">
              <div className={styles.stats}>
                <Stat title="Mean time to resolve" value={formatDuration(analysis.mttrSeconds)} />
                <Stat title="Rules that fired" value={String(analysis.rules.length)} />
                <Stat title="Flapping alerts" value={String(analysis.flapping.length)} />
                <Stat title="Suppressed alerts" value={String(analysis.suppressed.length)} />
              </div>
              <Section title="Noisiest rules">
                <InteractiveTable
                  columns={RULE_COLUMNS}
                  data={[...analysis.rules].sort((a, b) => b.firings - a.firings)}
                  getRowId={(r) => r.alertname}
                  pageSize={10}
                />
              </Section>
              <Section title="Flapping">
                <InteractiveTable columns={FLAP_COLUMNS} data={analysis.flapping} getRowId={(r) => `${r.alertname}${seriesName(r.labels)}`} pageSize={10} />
              </Section>
              <Section title="Silenced and inhibited">
                <InteractiveTable
                  columns={SUPPRESSED_COLUMNS}
                  data={analysis.suppressed}
                  getRowId={(r) => `${r.alertname}${seriesName(r.labels)}${r.time}`}
                  pageSize={10}
                />
              </Section>
            </div>
          )}
        </RequestView>
      </Stack>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  stats: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
});
