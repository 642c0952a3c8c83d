import { seriesKey } from '@sextant/core';
import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { AppPage } from '../components/AppPage';
import { Badge, LinkButton, List, Stack, Text, useStyles2 } from '@grafana/ui';
import { ingestRuns, listAnomalies, listDatasets, listPredictions, listRecommendations } from '../common/api';
import { useApp } from '../common/context';
import { formatPercent, formatTime, SEVERITY_BADGE, seriesName } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { DatasetInfo, IngestRun } from '../common/types';
import { useLiveEvents } from '../common/live';
import { useRequest } from '../common/useRequest';
import { windowEndingNow } from '../common/window';
import { prefixRoute, ROUTES } from '../constants';
import { Section } from '../components/Section';
import { riskBadge } from './Predictions';

const NOW_WINDOW_MS = 3_600_000;
const TOP = 5;
/** Enough recent runs to find every dataset's latest one. */
const INGEST_RUNS = 200;

interface DatasetHealth {
  dataset: string;
  watermark: number | null;
  /** The error of the dataset's latest ingest run, if it failed. */
  error?: string;
}

export function ingestHealth(datasets: DatasetInfo[], runs: IngestRun[]): DatasetHealth[] {
  return datasets.map((d) => {
    const latest = runs.filter((r) => r.dataset === d.name).sort((a, b) => b.finishedAt - a.finishedAt)[0];
    return { dataset: d.name, watermark: d.watermark, error: latest?.status === 'error' ? latest.error ?? 'failed' : undefined };
  });
}

export function Overview() {
  const { client } = useApp();
  const styles = useStyles2(getStyles);
  // The service announces new anomalies, predictions and recommendations: each reloads its part.
  const [announced, setAnnounced] = useState({ anomaly: 0, predictions: 0, recommendations: 0 });
  useLiveEvents(client.url('/api/v1/events'), ['anomaly', 'predictions', 'recommendations'], (type) =>
    setAnnounced((a) =>
      type === 'reconnected'
        ? { anomaly: a.anomaly + 1, predictions: a.predictions + 1, recommendations: a.recommendations + 1 }
        : { ...a, [type]: a[type] + 1 }
    )
  );
  const window = useMemo(() => windowEndingNow(NOW_WINDOW_MS), [announced.anomaly]);
  const anomalies = useRequest(() => listAnomalies(client, window), [client, window]);
  const predictions = useRequest(() => listPredictions(client), [client, announced.predictions]);
  const recommendations = useRequest(() => listRecommendations(client), [client, announced.recommendations]);
  const ingest = useRequest(async () => ingestHealth(await listDatasets(client), await ingestRuns(client, INGEST_RUNS)), [client]);

  return (
    <AppPage route={ROUTES.Overview}>
      <div className={styles.grid}>
        <Section title="Anomalies in the last hour">
          <RequestView state={anomalies} what="anomalies">
            {(list) => (
              <Stack direction="column" gap={1}>
                <Text variant="h2" data-testid="overview-anomaly-count">
                  {list.length}
                </Text>
                <List
                  items={[...list].sort((a, b) => b.peakScore - a.peakScore).slice(0, TOP)}
                  getItemKey={(a) => `${a.dataset}${seriesKey(a.labels)}${a.start}`}
                  renderItem={(a) => (
                    <Stack gap={1} alignItems="center">
                      <Badge text={a.severity} color={SEVERITY_BADGE[a.severity]} />
                      <Text variant="bodySmall">{seriesName({ __name__: a.dataset, ...a.labels })}</Text>
                    </Stack>
                  )}
                />
                <LinkButton variant="secondary" size="sm" href={prefixRoute(ROUTES.Anomalies)}>
                  All anomalies
                </LinkButton>
              </Stack>
            )}
          </RequestView>
        </Section>
        <Section title="Failure risk by service">
          <RequestView state={predictions} what="predictions">
            {(list) =>
              list.length === 0 ? (
                <Text color="secondary">No predictions yet: the failure model trains a few minutes after the first ingest.</Text>
              ) : (
                <List
                  items={[...list].sort((a, b) => b.probability - a.probability).slice(0, TOP)}
                  getItemKey={(p) => `${p.entity}/${p.horizonMs}`}
                  renderItem={(p) => (
                    <Stack gap={1} alignItems="center">
                      <Badge text={formatPercent(p.probability)} color={riskBadge(p.probability)} />
                      <Text>{p.entity}</Text>
                    </Stack>
                  )}
                />
              )
            }
          </RequestView>
        </Section>
        <Section title="Open recommendations">
          <RequestView state={recommendations} what="recommendations">
            {(list) => (
              <Stack direction="column" gap={1}>
                <Text variant="h2" data-testid="overview-recommendation-count">
                  {list.length}
                </Text>
                <List items={list.slice(0, TOP)} getItemKey={(r) => r.id} renderItem={(r) => <Text>{r.title}</Text>} />
                <LinkButton variant="secondary" size="sm" href={prefixRoute(ROUTES.Recommendations)}>
                  All recommendations
                </LinkButton>
              </Stack>
            )}
          </RequestView>
        </Section>
        <Section title="Ingest health">
          <RequestView state={ingest} what="ingest status">
            {(list) => (
              <List
                items={list}
                getItemKey={(d) => d.dataset}
                renderItem={(d) => (
                  <Stack gap={1} alignItems="center">
                    <Badge text={d.error ? 'failing' : d.watermark === null ? 'waiting' : 'ok'} color={d.error ? 'red' : d.watermark === null ? 'orange' : 'green'} tooltip={d.error} />
                    <Text>{d.dataset}</Text>
                    <span className={styles.time}>
                      <Text color="secondary" variant="bodySmall">
                        up to {formatTime(d.watermark)}
                      </Text>
                    </span>
                  </Stack>
                )}
              />
            )}
          </RequestView>
        </Section>
      </div>
    </AppPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: theme.spacing(3),
  }),
  time: css({ whiteSpace: 'nowrap' }),
});
