import React from 'react';
import { Card, Text } from '@grafana/ui';

/** One headline number with its title. */
export function Stat({ title, value, testId }: { title: string; value: string; testId?: string }) {
  return (
    <Card noMargin data-testid={testId}>
      <Card.Heading>{title}</Card.Heading>
      <Card.Description>
        <Text element="span" variant="h3">
          {value}
        </Text>
      </Card.Description>
    </Card>
  );
}
