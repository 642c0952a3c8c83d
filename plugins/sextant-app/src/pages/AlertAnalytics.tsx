import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import { Badge, Field, InteractiveTable, Stack, Text, useStyles2, type Column } from '@grafana/ui';
import { alertAnalysis, type Window } from '../common/api';
import { useApp } from '../common/context';
import { formatDuration } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { AlertAnalysis } from '../common/types';
import { useRequest } from '../common/useRequest';
import { WEEK_MS, windowEndingNow } from '../common/window';
import { Section } from '../components/Section';
import { Stat } from '../components/Stat';
import { WindowPicker } from '../components/WindowPicker';

type RuleRow = AlertAnalysis['byRule'][number];

const RULE_COLUMNS: Array<Column<RuleRow>> = [
  { id: 'key', header: 'Rule', cell: ({ row }) => row.original.key },
  { id: 'count', header: 'Firings', sortType: 'number', cell: ({ row }) => row.original.count },
  { id: 'mttr', header: 'MTTR', cell: ({ row }) => formatDuration(row.original.mttrMs === null ? null : row.original.mttrMs / 1000) },
  { id: 'flaps', header: 'Flaps', cell: ({ row }) => (row.original.flaps > 0 ? <Badge text={String(row.original.flaps)} color="orange" /> : 0) },
  { id: 'withoutAction', header: 'Resolved without action', cell: ({ row }) => row.original.withoutAction },
  { id: 'silenced', header: 'Silenced', cell: ({ row }) => row.original.silenced },
  { id: 'inhibited', header: 'Inhibited', cell: ({ row }) => row.original.inhibited },
  { id: 'runbook', header: '', cell: ({ row }) => (row.original.missingRunbook > 0 ? <Badge text="no runbook" color="purple" /> : null) },
];

export function AlertAnalytics() {
  const { client } = useApp();
  const [lengthMs, setLengthMs] = useState(WEEK_MS);
  const window = useMemo<Window>(() => windowEndingNow(lengthMs), [lengthMs]);
  const state = useRequest(() => alertAnalysis(client, window), [client, window]);
  const styles = useStyles2(getStyles);
  return (
    <AppPage route={ROUTES.Alerts}>
      <Stack direction="column" gap={2}>
        <Field label="Window" noMargin>
          <WindowPicker value={lengthMs} onChange={setLengthMs} />
        </Field>
        <RequestView state={state} what="alert analytics">
          {(analysis) => (
            <div data-testid="alert-analytics">
              <div className={styles.stats}>
                <Stat title="Alerts fired" value={String(analysis.total.count)} testId="alerts-total" />
                <Stat title="Mean time to resolve" value={formatDuration(analysis.total.mttrMs === null ? null : analysis.total.mttrMs / 1000)} testId="alerts-mttr" />
                <Stat title="Flaps" value={String(analysis.total.flaps)} testId="alerts-flaps" />
                <Stat title="Silenced / inhibited" value={`${analysis.total.silenced} / ${analysis.total.inhibited}`} />
              </div>
              <Section title="Rules, noisiest first">
                {analysis.byRule.length === 0 ? (
                  <Text color="secondary">No alert fired in this window.</Text>
                ) : (
                  <InteractiveTable columns={RULE_COLUMNS} data={analysis.byRule} getRowId={(r) => r.key} pageSize={10} />
                )}
              </Section>
              <Section title="Flapping rules">
                <div data-testid="flapping-rules">
                  <Text color={analysis.flappingRules.length ? undefined : 'secondary'}>{analysis.flappingRules.join(', ') || 'None.'}</Text>
                </div>
              </Section>
              <Section title="Rules without a runbook">
                <Text color={analysis.rulesWithoutRunbook.length ? undefined : 'secondary'}>{analysis.rulesWithoutRunbook.join(', ') || 'None.'}</Text>
              </Section>
            </div>
          )}
        </RequestView>
      </Stack>
    </AppPage>
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
