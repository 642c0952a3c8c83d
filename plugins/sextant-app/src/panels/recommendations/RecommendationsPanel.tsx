import React, { useMemo } from 'react';
import type { PanelProps } from '@grafana/data';
import { Card, LinkButton, Pagination, Text } from '@grafana/ui';
import { usePage } from '../../common/usePage';
import { SuccessRateBadge } from '../../components/SuccessRateBadge';
import { prefixRoute, ROUTES } from '../../constants';
import { recommendationsFromFrames } from './rows';

export interface RecommendationsPanelOptions {
  onlyOpen: boolean;
  pageSize: number;
}

/** Recommendations as cards; acting on them happens on the app's Recommendations page. */
export function RecommendationsPanel({ data, width, height, options }: PanelProps<RecommendationsPanelOptions>) {
  const all = useMemo(() => recommendationsFromFrames(data.series), [data.series]);
  const shown = useMemo(() => (options.onlyOpen ? all.filter((r) => r.status === 'open') : all), [all, options.onlyOpen]);
  const page = usePage(shown, Math.max(1, options.pageSize));
  if (shown.length === 0) {
    return <Text color="secondary">No recommendations. Query the Sextant data source with “Recommendations”.</Text>;
  }
  return (
    <div style={{ width, height, overflow: 'auto' }} data-testid="recommendations-panel">
      {page.items.map((r) => (
        <Card key={r.id} isCompact data-testid="recommendation-card">
          <Card.Heading>{r.title}</Card.Heading>
          <Card.Meta>{[r.entity, r.kind]}</Card.Meta>
          <Card.Description>{r.explanation}</Card.Description>
          <Card.Tags>
            <SuccessRateBadge posterior={r.posterior} />
          </Card.Tags>
        </Card>
      ))}
      <Pagination currentPage={page.page} numberOfPages={page.pages} onNavigate={page.setPage} hideWhenSinglePage showSmallVersion />
      <LinkButton size="sm" variant="secondary" href={prefixRoute(ROUTES.Recommendations)}>
        Act on recommendations
      </LinkButton>
    </div>
  );
}
