import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { SextantDataSource } from './datasource';
import { QueryEditor } from './QueryEditor';
import type { SextantOptions, SextantQuery } from './types';

export const plugin = new DataSourcePlugin<SextantDataSource, SextantQuery, SextantOptions>(SextantDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
