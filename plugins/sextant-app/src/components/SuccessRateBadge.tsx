import React from 'react';
import { Badge } from '@grafana/ui';
import { formatPercent } from '../common/format';

/** The learned success rate of a recommendation's policy (share of outcomes reported as helpful). */
export function SuccessRateBadge({ rate }: { rate: number | null }) {
  return (
    <Badge
      text={rate === null ? 'no outcomes yet' : `learned success rate ${formatPercent(rate)}`}
      color={rate === null ? 'darkgrey' : rate >= 0.5 ? 'green' : 'orange'}
      tooltip="Share of this policy's earlier recommendations that users reported as helpful"
    />
  );
}
