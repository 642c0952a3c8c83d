import React, { useMemo } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Badge, InteractiveTable, Stack, Text, type Column } from '@grafana/ui';
import { listPredictions } from '../common/api';
import { useApp } from '../common/context';
import { formatDuration, formatNumber, formatPercent, formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { Prediction } from '../common/types';
import { useRequest } from '../common/useRequest';

/** Badge colour of a probability: presentation only, the alert thresholds live in the generated rules. */
export function riskBadge(probability: number): 'red' | 'orange' | 'green' {
  return probability >= 0.5 ? 'red' : probability >= 0.2 ? 'orange' : 'green';
}

export function Predictions() {
  const { client } = useApp();
  const state = useRequest(() => listPredictions(client), [client]);
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
              .map((c) => `${c.feature} = ${formatNumber(c.value)} (${c.contribution >= 0 ? '+' : '−'}${formatPercent(Math.abs(c.contribution))})`)
              .join(', ') || '—'}
          </Text>
        ),
      },
      { id: 'at', header: 'As of', cell: ({ row }) => formatTime(row.original.at) },
    ],
    []
  );
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Text color="secondary">Probability that each service fails within the horizon, from the trained model, with the features that move it most.</Text>
        <RequestView state={state} what="predictions">
          {(predictions) =>
            predictions.length === 0 ? (
              <div data-testid="prediction-list-empty">
                <Text color="secondary">No predictions yet: the model trains on the warehouse&apos;s history and alerts.</Text>
              </div>
            ) : (
              <div data-testid="prediction-list">
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
      </Stack>
    </PluginPage>
  );
}
