import React, { useMemo } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Badge, InteractiveTable, Stack, Text, type Column } from '@grafana/ui';
import { listPredictions } from '../common/api';
import { useApp } from '../common/context';
import { formatDuration, formatPercent, formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { Prediction } from '../common/types';
import { useRequest } from '../common/useRequest';

export function riskBadge(risk: number): 'red' | 'orange' | 'green' {
  return risk >= 0.5 ? 'red' : risk >= 0.2 ? 'orange' : 'green';
}

export function Predictions() {
  const { client } = useApp();
  const state = useRequest(() => listPredictions(client), [client]);
  const columns = useMemo<Array<Column<Prediction>>>(
    () => [
      { id: 'service', header: 'Service', cell: ({ row }) => row.original.service },
      {
        id: 'risk',
        header: 'Failure risk',
        sortType: (a, b) => a.original.risk - b.original.risk,
        cell: ({ row }) => <Badge text={formatPercent(row.original.risk)} color={riskBadge(row.original.risk)} />,
      },
      { id: 'horizon', header: 'Within', cell: ({ row }) => formatDuration(row.original.horizonMs / 1000) },
      {
        id: 'features',
        header: 'Main signals',
        cell: ({ row }) =>
          (row.original.features ?? [])
            .slice(0, 3)
            .map((f) => `${f.name} (${formatPercent(f.importance)})`)
            .join(', ') || '—',
      },
      { id: 'explanation', header: 'Explanation', cell: ({ row }) => row.original.explanation ?? '—' },
      { id: 'time', header: 'Predicted at', cell: ({ row }) => formatTime(row.original.time) },
    ],
    []
  );
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Text color="secondary">Probability that each service fails within the horizon, from the trained model.</Text>
        <RequestView state={state} what="predictions">
          {(predictions) =>
            predictions.length === 0 ? (
              <Text color="secondary">No predictions yet: the model trains on the warehouse's history.</Text>
            ) : (
              <div data-testid="prediction-list">
                <InteractiveTable
                  columns={columns}
                  data={[...predictions].sort((a, b) => b.risk - a.risk)}
                  getRowId={(p) => p.service}
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
