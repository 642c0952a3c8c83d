import React, { type ReactNode } from 'react';
import { Stack, Text } from '@grafana/ui';

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3" variant="h4">
        {title}
      </Text>
      {children}
    </Stack>
  );
}
