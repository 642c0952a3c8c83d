import React, { useState } from 'react';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import { Alert, Badge, Button, Card, LinkButton, Pagination, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import { applyRecommendation, dismissRecommendation, listRecommendations, sendFeedback } from '../common/api';
import type { SextantClient } from '../common/client';
import { useApp } from '../common/context';
import { formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import { RECOMMENDATION_STATUSES, type Recommendation, type RecommendationStatus } from '../common/types';
import { usePage } from '../common/usePage';
import { useLiveEvents } from '../common/live';
import { useRequest } from '../common/useRequest';
import { SuccessRateBadge } from '../components/SuccessRateBadge';

type StatusFilter = RecommendationStatus | 'all';

const STATUS_OPTIONS: Array<{ label: string; value: StatusFilter }> = [
  { label: 'Open', value: 'open' },
  { label: 'Applied', value: 'applied' },
  { label: 'Dismissed', value: 'dismissed' },
  { label: 'Expired', value: 'expired' },
  { label: 'All', value: 'all' },
];

const SEVERITY_BADGE: Record<Recommendation['severity'], 'red' | 'orange' | 'blue'> = { critical: 'red', warning: 'orange', info: 'blue' };

export function Recommendations() {
  const { client } = useApp();
  const [status, setStatus] = useState<StatusFilter>('open');
  const state = useRequest(() => listRecommendations(client, status === 'all' ? RECOMMENDATION_STATUSES : [status]), [client, status]);
  useLiveEvents(client.url('/api/v1/events'), ['recommendations'], state.reload);
  return (
    <AppPage route={ROUTES.Recommendations}>
      <Stack direction="column" gap={2}>
        <div>
          <RadioButtonGroup size="sm" options={STATUS_OPTIONS} value={status} onChange={setStatus} aria-label="Status" />
        </div>
        <RequestView state={state} what="recommendations">
          {(recommendations) => <RecommendationList items={recommendations} client={client} onChanged={state.reload} />}
        </RequestView>
      </Stack>
    </AppPage>
  );
}

function RecommendationList({ items, client, onChanged }: { items: Recommendation[]; client: SextantClient; onChanged: () => void }) {
  const page = usePage(items, 10);
  if (items.length === 0) {
    return <Text color="secondary">No recommendations with this status.</Text>;
  }
  return (
    <div data-testid="recommendation-list">
      {page.items.map((r) => (
        <RecommendationCard key={r.id} recommendation={r} client={client} onChanged={onChanged} />
      ))}
      <Pagination currentPage={page.page} numberOfPages={page.pages} onNavigate={page.setPage} hideWhenSinglePage />
    </div>
  );
}

interface CardProps {
  recommendation: Recommendation;
  client: SextantClient;
  onChanged: () => void;
}

function RecommendationCard({ recommendation: r, client, onChanged }: CardProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState(false);

  const act = (action: () => Promise<unknown>, after: () => void) => async () => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      after();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const feedback = (helpful: boolean) =>
    act(
      () => sendFeedback(client, r.id, helpful),
      () => {
        setSent(true);
        onChanged();
      }
    );

  return (
    <Card data-testid={`recommendation-${r.id}`}>
      <Card.Heading>{r.title}</Card.Heading>
      <Card.Meta>{[r.entity, r.kind, `#${r.rank}`, formatTime(r.createdAt)]}</Card.Meta>
      <Card.Description>
        {r.explanation}
        {error && (
          <Alert severity="error" title="The action failed">
            {error}
          </Alert>
        )}
      </Card.Description>
      <Card.Tags>
        <Stack gap={1} wrap="wrap">
          <Badge text={r.severity} color={SEVERITY_BADGE[r.severity]} />
          <Badge text={r.status} color={r.status === 'open' ? 'blue' : r.status === 'applied' ? 'green' : 'darkgrey'} />
          <SuccessRateBadge posterior={r.posterior} />
          {r.evidence.slice(0, 3).map((e) => (
            <Badge key={e.name} text={`${e.name}: ${e.value}${e.unit ? ` ${e.unit}` : ''}`} color="darkgrey" />
          ))}
        </Stack>
      </Card.Tags>
      <Card.Actions>
        {r.status === 'open' && (
          <>
            <Button size="sm" icon="check" disabled={busy} onClick={act(() => applyRecommendation(client, r.id), onChanged)}>
              Apply
            </Button>
            <Button size="sm" variant="secondary" icon="times" disabled={busy} onClick={act(() => dismissRecommendation(client, r.id), onChanged)}>
              Dismiss
            </Button>
          </>
        )}
        {r.status === 'applied' &&
          (sent ? (
            <Text color="secondary">Thanks: your feedback trains the ranking.</Text>
          ) : (
            <>
              <Text color="secondary">Did it help?</Text>
              <Button size="sm" variant="secondary" icon="check" disabled={busy} onClick={feedback(true)}>
                Helped
              </Button>
              <Button size="sm" variant="secondary" icon="times" disabled={busy} onClick={feedback(false)}>
                Did not help
              </Button>
            </>
          ))}
        {r.runbookUrl && (
          <LinkButton size="sm" variant="secondary" icon="book" href={r.runbookUrl} target="_blank">
            Runbook
          </LinkButton>
        )}
      </Card.Actions>
    </Card>
  );
}
