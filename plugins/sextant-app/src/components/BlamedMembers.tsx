import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Text, useStyles2 } from '@grafana/ui';
import { formatDeviation } from '../common/format';
import type { Evidence } from '../common/types';

/** A row stays a few lines high: the members past these are counted, not listed. */
export const MEMBERS_SHOWN = 3;

type Member = NonNullable<Evidence['members']>[number];

/**
 * A group event's blamed members, most deviant first, as the service names them: each one's
 * deviation at the peak (arrow up above its expected value, down below) and its series.
 */
export function BlamedMembers({ members }: { members: Member[] }) {
  const styles = useStyles2(getStyles);
  const hidden = members.length - MEMBERS_SHOWN;
  return (
    <ul className={styles.list} aria-label="Members that departed most" data-testid="blamed-members">
      {members.slice(0, MEMBERS_SHOWN).map((m) => (
        <li key={m.index} className={styles.member}>
          <Badge color="orange" icon={m.deviation >= 0 ? 'arrow-up' : 'arrow-down'} text={formatDeviation(m.deviation)} />
          <span className={styles.name}>{m.name ?? `member ${m.index}`}</span>
        </li>
      ))}
      {hidden > 0 && (
        <li>
          <Text variant="bodySmall" color="secondary">
            and {hidden} more
          </Text>
        </li>
      )}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', margin: theme.spacing(0.5, 0, 0), padding: 0 }),
  member: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), marginTop: theme.spacing(0.25) }),
  name: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
});
