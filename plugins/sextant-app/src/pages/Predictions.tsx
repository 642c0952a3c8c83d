import React, { useEffect, useMemo } from 'react';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import { Badge, InteractiveTable, Text, type Column } from '@grafana/ui';
import { listModels, listPredictions } from '../common/api';
import { useApp } from '../common/context';
import { formatDuration, formatNumber, formatPercent, formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { Prediction, PredictionModel } from '../common/types';
import { useLiveEvents } from '../common/live';
import { useRequest } from '../common/useRequest';

/** Badge colour of a probability: presentation only, the alert thresholds live in the generated rules. */
export function riskBadge(probability: number): 'red' | 'orange' | 'green' {
  return probability >= 0.5 ? 'red' : probability >= 0.2 ? 'orange' : 'green';
}

/** While there is nothing to show yet (a fresh service trains its first model), look again this often. */
const RECHECK_MS = 15_000;

export function Predictions() {
  const { client } = useApp();
  const state = useRequest(async () => {
    const [predictions, models] = await Promise.all([listPredictions(client), listModels(client, 1)]);
    return { predictions, model: models[0] };
  }, [client]);
  const waiting = state.value?.predictions.length === 0;
  const { reload } = state;
  useLiveEvents(client.url('/api/v1/events'), ['predictions'], reload);
  useEffect(() => {
    if (!waiting) {
      return;
    }
    const timer = setInterval(reload, RECHECK_MS);
    return () => clearInterval(timer);
  }, [waiting, reload]);
  const columns = useMemo<Array<Column<Prediction>>>(
    () => [
      { id: 'entity', header: 'Service', cell: ({ row }) => row.original.entity },
      {
        id: 'probability',
        header: 'Failure probability',
        sortType: (a, b) => a.original.probability - b.original.probability,
        cell: ({ row }) =>
          row.original.ongoing ? (
            <Badge text="failing now" color="red" tooltip="A counted alert is firing for it" />
          ) : (
            <Badge text={formatPercent(row.original.probability)} color={riskBadge(row.original.probability)} />
          ),
      },
      { id: 'horizon', header: 'Within', cell: ({ row }) => formatDuration(row.original.horizonMs / 1000) },
      {
        id: 'contributions',
        header: 'What raises or lowers it',
        cell: ({ row }) => (
          <Text variant="bodySmall">
            {row.original.contributions
              .slice(0, 3)
              .map((c) => `${c.feature} = ${formatNumber(c.value)} (${signedPercent(c.contribution)})`)
              .join(', ') || '—'}
          </Text>
        ),
      },
      { id: 'at', header: 'As of', cell: ({ row }) => formatTime(row.original.at) },
    ],
    []
  );
  return (
    <AppPage route={ROUTES.Predictions}>
      <RequestView state={state} what="predictions">
        {({ predictions, model }) =>
          !model ? (
            <div data-testid="prediction-list-untrained">
              <Text color="secondary">
                No failure model yet. Sextant trains one once the warehouse holds enough history with alerts: on a fresh
                start, a few minutes after the first ingest. This page looks again every {RECHECK_MS / 1000} s.
              </Text>
            </div>
          ) : predictions.length === 0 ? (
            <div data-testid="prediction-list-pending">
              <Text color="secondary">
                {describeModel(model)} Its first predictions come with the next inference run. This page looks again
                every {RECHECK_MS / 1000} s.
              </Text>
            </div>
          ) : (
            <div data-testid="prediction-list">
              <div data-testid="prediction-model">
                <Text color="secondary">{describeModel(model)}</Text>
              </div>
              <InteractiveTable
                columns={columns}
                data={[...predictions].sort((a, b) => b.probability - a.probability)}
                getRowId={(p) => `${p.entity}/${p.horizonMs}`}
                pageSize={20}
              />
            </div>
          )
        }
      </RequestView>
    </AppPage>
  );
}

/** Which model the predictions come from, and how it did on the most recent part of its history. */
function describeModel(model: PredictionModel): string {
  const { evaluation: e } = model;
  return (
    `Model v${model.version} (${formatDuration(model.horizonMs / 1000)} ahead), trained ${formatTime(model.trainedAt)} on ` +
    `${model.trainRows} windows; on the ${model.testRows} most recent held-out windows it flagged ${e.detected} of ${e.incidents} failures ahead.`
  );
}

/** "+3 %", "−1 %", and "0 %" without a sign for what rounds to nothing. */
function signedPercent(ratio: number): string {
  const shown = formatPercent(Math.abs(ratio));
  return shown === formatPercent(0) ? shown : `${ratio >= 0 ? '+' : '−'}${shown}`;
}
