import React from 'react';
import { RadioButtonGroup } from '@grafana/ui';
import { WINDOWS } from '../common/window';

interface Props {
  value: number;
  onChange: (lengthMs: number) => void;
}

export function WindowPicker({ value, onChange }: Props) {
  return <RadioButtonGroup size="sm" options={WINDOWS} value={value} onChange={onChange} aria-label="Time window" />;
}
