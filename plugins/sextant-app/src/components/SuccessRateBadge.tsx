import React from 'react';
import { Badge } from '@grafana/ui';
import { formatPercent } from '../common/format';
import type { Recommendation } from '../common/types';

/**
 * What Sextant learned about this action in this context from outcomes and feedback (the posterior
 * its ranking uses), shown with how many observations it rests on.
 */
export function SuccessRateBadge({ posterior }: { posterior: Recommendation['posterior'] }) {
  if (posterior.count === 0) {
    return <Badge text="no outcomes yet" color="darkgrey" tooltip="Nothing learned yet: apply and give feedback" />;
  }
  return (
    <Badge
      text={`learned success ${formatPercent(posterior.mean)} (${posterior.count} outcome${posterior.count === 1 ? '' : 's'})`}
      color={posterior.mean >= 0.5 ? 'green' : 'orange'}
      tooltip={`Observed success rate ${formatPercent(posterior.rate)}; the estimate starts from an even prior`}
    />
  );
}
