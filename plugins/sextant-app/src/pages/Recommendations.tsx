import React, { useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, Card, Field, Input, Pagination, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import { applyRecommendation, dismissRecommendation, listRecommendations, sendFeedback } from '../common/api';
import type { SextantClient } from '../common/client';
import { useApp } from '../common/context';
import { formatTime } from '../common/format';
import { RequestView } from '../common/RequestView';
import type { Recommendation, RecommendationStatus } from '../common/types';
import { usePage } from '../common/usePage';
import { useRequest } from '../common/useRequest';
import { SuccessRateBadge } from '../components/SuccessRateBadge';

type StatusFilter = RecommendationStatus | 'all';

const STATUS_OPTIONS: Array<{ label: string; value: StatusFilter }> = [
  { label: 'Open', value: 'open' },
  { label: 'Applied', value: 'applied' },
  { label: 'Dismissed', value: 'dismissed' },
  { label: 'All', value: 'all' },
];

const STATUS_BADGE: Record<RecommendationStatus, 'blue' | 'green' | 'darkgrey'> = {
  open: 'blue',
  applied: 'green',
  dismissed: 'darkgrey',
};

export function Recommendations() {
  const { client } = useApp();
  const [status, setStatus] = useState<StatusFilter>('open');
  const state = useRequest(() => listRecommendations(client, status === 'all' ? undefined : status), [client, status]);
  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <RadioButtonGroup size="sm" options={STATUS_OPTIONS} value={status} onChange={setStatus} aria-label="Status" />
        <RequestView state={state} what="recommendations">
          {(recommendations) => <RecommendationList items={recommendations} client={client} onChanged={state.reload} />}
        </RequestView>
      </Stack>
    </PluginPage>
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

function RecommendationCard({ recommendation: r, client, onChanged }: { recommendation: Recommendation; client: SextantClient; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [reason, setReason] = useState('');
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

  return (
    <Card data-testid={`recommendation-${r.id}`}>
      <Card.Heading>{r.title}</Card.Heading>
      <Card.Meta>
        {[r.service ?? 'all services', r.policy, formatTime(r.time)]}
      </Card.Meta>
      <Card.Description>
        {r.description}
        {error && (
          <Alert severity="error" title="The action failed">
            {error}
          </Alert>
        )}
      </Card.Description>
      <Card.Tags>
        <Stack gap={1}>
          <Badge text={r.status} color={STATUS_BADGE[r.status]} />
          <SuccessRateBadge rate={r.successRate} />
        </Stack>
      </Card.Tags>
      <Card.Actions>
        {r.status === 'open' && (
          <>
            <Button size="sm" icon="check" disabled={busy} onClick={act(() => applyRecommendation(client, r.id), onChanged)}>
              Apply
            </Button>
            <Field label="Reason" noMargin horizontal>
              <Input
                width={24}
                value={reason}
                placeholder="Why not (optional)"
                onChange={(e) => setReason(e.currentTarget.value)}
                aria-label={`Dismiss reason for ${r.title}`}
              />
            </Field>
            <Button
              size="sm"
              variant="secondary"
              icon="times"
              disabled={busy}
              onClick={act(() => dismissRecommendation(client, r.id, reason), onChanged)}
            >
              Dismiss
            </Button>
          </>
        )}
        {r.status === 'applied' &&
          (sent ? (
            <Text color="secondary">Thanks: your feedback trains this policy.</Text>
          ) : (
            <>
              <Text color="secondary">Did it help?</Text>
              <Button size="sm" variant="secondary" icon="check" disabled={busy} onClick={act(() => sendFeedback(client, r.id, true, ''), () => { setSent(true); onChanged(); })}>
                Helped
              </Button>
              <Button size="sm" variant="secondary" icon="times" disabled={busy} onClick={act(() => sendFeedback(client, r.id, false, ''), () => { setSent(true); onChanged(); })}>
                Did not help
              </Button>
            </>
          ))}
      </Card.Actions>
    </Card>
  );
}
