import React from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Button, IconButton, InlineField, InlineFieldRow, Input, MultiSelect, RadioButtonGroup, Select, Stack } from '@grafana/ui';
import { BUCKETS, FILTER_OPS, MEASURES, type Bucket, type FilterOp, type LabelFilter, type Measure } from '@sextant/core';
import { listDatasets, listReferenceTables } from '../common/api';
import { useRequest } from '../common/useRequest';
import type { SextantDataSource } from './datasource';
import { DEFAULT_QUERY, type QueryKind, type SextantOptions, type SextantQuery } from './types';

type Props = QueryEditorProps<SextantDataSource, SextantQuery, SextantOptions>;

const KINDS: Array<SelectableValue<QueryKind>> = [
  { label: 'Warehouse', value: 'bi', description: 'Rollups of a dataset' },
  { label: 'Anomalies', value: 'anomalies', description: 'Scored anomaly events' },
  { label: 'Alerts', value: 'alerts', description: 'Alert history' },
  { label: 'Recommendations', value: 'recommendations', description: 'Open and past recommendations' },
];

const options = <T extends string>(values: readonly T[]) => values.map((value) => ({ label: value, value }));

export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const datasets = useRequest(() => listDatasets(datasource.client), [datasource]);
  const kind = query.kind ?? 'bi';
  const tables = useRequest(() => listReferenceTables(datasource.client), [datasource]);
  const datasetLabels = datasets.value?.find((d) => d.name === query.dataset)?.keepLabels ?? [];
  const join = query.join;
  const joined = tables.value?.find((t) => t.name === join?.table);
  // The joined table's columns group and filter like labels, as table.column.
  const labels = [...datasetLabels, ...(joined ? joined.columns.map((c) => `${joined.name}.${c.name}`) : [])];
  const setJoin = (patch: Partial<NonNullable<SextantQuery['join']>>) => {
    const next = { table: '', label: '', column: '', ...join, ...patch };
    update({ join: next.table ? next : undefined });
  };
  const update = (patch: Partial<SextantQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };
  const filters = query.filters ?? [];
  const setFilter = (index: number, patch: Partial<LabelFilter>) =>
    update({ filters: filters.map((f, i) => (i === index ? { ...f, ...patch } : f)) });

  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Query" labelWidth={12}>
          <RadioButtonGroup options={KINDS} value={kind} onChange={(value) => update({ kind: value })} />
        </InlineField>
      </InlineFieldRow>
      {kind === 'bi' && (
        <>
          <InlineFieldRow>
            <InlineField label="Dataset" labelWidth={12} invalid={Boolean(datasets.error)} error={datasets.error?.message}>
              <Select
                width={32}
                isLoading={datasets.loading}
                options={(datasets.value ?? []).map((d) => ({ label: d.name, value: d.name }))}
                value={query.dataset ?? null}
                allowCustomValue
                onChange={(v) => update({ dataset: v?.value })}
                placeholder="Choose a dataset"
                aria-label="Dataset"
              />
            </InlineField>
            <InlineField label="Bucket" labelWidth={10}>
              <RadioButtonGroup
                options={options(BUCKETS)}
                value={query.bucket ?? DEFAULT_QUERY.bucket}
                onChange={(value: Bucket) => update({ bucket: value })}
              />
            </InlineField>
          </InlineFieldRow>
          <InlineFieldRow>
            <InlineField label="Measures" labelWidth={12}>
              <MultiSelect
                width={48}
                options={options(MEASURES)}
                value={query.measures ?? DEFAULT_QUERY.measures}
                onChange={(values) => update({ measures: values.map((v) => v.value as Measure) })}
                aria-label="Measures"
              />
            </InlineField>
            <InlineField label="Group by" labelWidth={10}>
              <MultiSelect
                width={40}
                options={labels.map((l) => ({ label: l, value: l }))}
                value={query.groupBy ?? []}
                allowCustomValue
                onChange={(values) => update({ groupBy: values.map((v) => v.value as string) })}
                aria-label="Group by"
              />
            </InlineField>
          </InlineFieldRow>
          <InlineFieldRow>
            <InlineField label="Join" labelWidth={12} tooltip="A reference table (sextant import) joined on a label: group and filter by its columns, or scale values by a number column" invalid={Boolean(tables.error)} error={tables.error?.message}>
              <Select
                width={20}
                isLoading={tables.loading}
                isClearable
                options={(tables.value ?? []).map((t) => ({ label: t.name, value: t.name, description: `${t.rows} rows` }))}
                value={join?.table || null}
                allowCustomValue
                onChange={(v) => setJoin({ table: v?.value ?? '' })}
                placeholder="No join"
                aria-label="Join table"
              />
            </InlineField>
            {join && (
              <>
                <InlineField label="on label" labelWidth={10}>
                  <Select width={16} options={datasetLabels.map((l) => ({ label: l, value: l }))} value={join.label || null} allowCustomValue onChange={(v) => setJoin({ label: v?.value ?? '' })} aria-label="Join label" />
                </InlineField>
                <InlineField label="= column" labelWidth={10}>
                  <Select width={16} options={(joined?.columns ?? []).map((c) => ({ label: c.name, value: c.name }))} value={join.column || null} allowCustomValue onChange={(v) => setJoin({ column: v?.value ?? '' })} aria-label="Join column" />
                </InlineField>
                <InlineField label="scale by" labelWidth={10}>
                  <Select
                    width={16}
                    isClearable
                    options={(joined?.columns ?? []).filter((c) => c.type === 'number' || c.type === 'integer').map((c) => ({ label: c.name, value: c.name }))}
                    value={join.scaleBy || null}
                    onChange={(v) => setJoin({ scaleBy: v?.value || undefined })}
                    placeholder="none"
                    aria-label="Join scale"
                  />
                </InlineField>
              </>
            )}
          </InlineFieldRow>
          {filters.map((filter, index) => (
            <InlineFieldRow key={index}>
              <InlineField label={index === 0 ? 'Filters' : ''} labelWidth={12}>
                <Select
                  width={20}
                  options={labels.map((l) => ({ label: l, value: l }))}
                  value={filter.label || null}
                  allowCustomValue
                  onChange={(v) => setFilter(index, { label: v?.value ?? '' })}
                  aria-label={`Filter ${index + 1} label`}
                />
              </InlineField>
              <Select
                width={8}
                options={options(FILTER_OPS)}
                value={filter.op}
                onChange={(v) => setFilter(index, { op: v.value as FilterOp })}
                aria-label={`Filter ${index + 1} operator`}
              />
              <Input
                width={24}
                value={filter.value}
                onChange={(e) => onChange({ ...query, filters: filters.map((f, i) => (i === index ? { ...f, value: e.currentTarget.value } : f)) })}
                onBlur={onRunQuery}
                aria-label={`Filter ${index + 1} value`}
              />
              <IconButton name="trash-alt" tooltip="Remove filter" onClick={() => update({ filters: filters.filter((_, i) => i !== index) })} />
            </InlineFieldRow>
          ))}
          <div>
            <Button
              size="sm"
              variant="secondary"
              icon="plus"
              onClick={() => onChange({ ...query, filters: [...filters, { label: '', op: '=', value: '' }] })}
            >
              Add filter
            </Button>
          </div>
        </>
      )}
    </Stack>
  );
}
