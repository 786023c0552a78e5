import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { previewImport } from '../../src-main/import/preview';
import { createCore, type Core } from '../../src-main/services/core';
import { appRoot } from '../../src-main/services/paths';
import type { JobInfo } from '../../src-main/shared/dto';
import type { Result } from '../../src-main/shared/errors';
import type { ImportFileRef, ImportSettings } from '../../src-main/shared/import';
import { createProject } from '../../src-main/store/connection';
import { useTempDir } from '../helpers/temp';

const RETAIL_SAMPLE = join(appRoot(), 'resources', 'demo', 'online-retail-sample.csv');
const XLSX_SAMPLE = join(appRoot(), 'test', 'fixtures', 'xlsx', 'sample.xlsx');

type PreviewJob = Extract<JobInfo, { kind: 'import-preview' }>;

const tempDir = useTempDir();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

async function ok<T>(pending: Promise<Result<unknown>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** A core with a project open, whose file dialog picks `files` in turn, as the desktop door would. */
async function coreWithProject(files: string[]): Promise<Core> {
  const home = tempDir();
  const picks = [...files];
  const core = createCore({
    door: 'desktop',
    version: '0.0.0-test',
    configDir: home,
    workspaceDir: join(home, 'projects'),
    resourcesDir: join(appRoot(), 'resources'),
    dialogs: {
      chooseNewProjectPath: async () => join(home, 'shop'),
      chooseProjectToOpen: async () => null,
      chooseImportFile: async () => picks.shift() ?? null,
    },
  });
  cores.push(core);
  await ok(core.dispatch('project.create', { name: 'Shop' }));
  return core;
}

/** Picks the next file and runs an `import-preview` job on it through jobs.start, as the wizard does. */
async function previewJob(core: Core, settings: ImportSettings = {}): Promise<{ ref: ImportFileRef; job: PreviewJob }> {
  const ref = await ok<ImportFileRef>(core.dispatch('import.pickFile', {}));
  const started = await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'import-preview', fileId: ref.id, settings }));
  let job = started;
  await expect
    .poll(
      async () => {
        job = await ok<JobInfo>(core.dispatch('jobs.get', { id: started.id }));
        return job.state;
      },
      { timeout: 20_000, interval: 50 },
    )
    .toMatch(/succeeded|failed|cancelled/);
  return { ref, job: job as PreviewJob };
}

describe('the import-preview job', () => {
  it('previews a shop CSV in a worker: detected layout, the first rows, and the picked file by its id', async () => {
    const core = await coreWithProject([RETAIL_SAMPLE]);
    const { ref, job } = await previewJob(core);
    expect(job.state).toBe('succeeded');
    const preview = job.result;
    expect(preview?.file).toEqual(ref);
    expect(preview?.file.sizeBytes).toBeGreaterThan(100_000);
    expect(preview).toMatchObject({
      format: 'csv',
      detected: {
        encoding: { name: 'utf-8' },
        delimiter: { value: ',' },
        headerRow: 0,
        dates: { order: 'ymd' },
        kind: 'order_lines',
        preset: { id: 'uci-online-retail' },
        mappingSource: 'preset',
      },
      mapping: { order_id: 'InvoiceNo', sku: 'StockCode', customer_id: 'CustomerID' },
      missing: [],
    });
    expect(preview?.headers).toEqual([
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ]);
    expect(preview?.rows).toHaveLength(20);
    expect(preview?.rows[0]).toEqual([
      'C536391',
      '22556',
      'PLASTERS IN TIN CIRCUS PARADE ',
      '-12',
      '2010-12-01 10:24:00',
      '1.65',
      '17548.0',
      'United Kingdom',
    ]);
  });

  it("follows the user's settings: without the recognised layout, columns are matched by name", async () => {
    const core = await coreWithProject([RETAIL_SAMPLE]);
    const { job } = await previewJob(core, { preset: null, delimiter: ';' });
    expect(job.state).toBe('succeeded');
    expect(job.result?.detected).toMatchObject({ preset: null, mappingSource: 'aliases', delimiter: { value: ';' } });
    // Split by semicolons, each line is one field.
    expect(job.result?.headers).toEqual([
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
    ]);
  });

  it('previews an XLSX workbook: its sheets, typed cells as text, and the mapping by column names', async () => {
    const core = await coreWithProject([XLSX_SAMPLE]);
    const { ref, job } = await previewJob(core);
    expect(job.state).toBe('succeeded');
    expect(job.result).toMatchObject({
      file: ref,
      format: 'xlsx',
      sheets: ['sample'],
      detected: { encoding: null, delimiter: null, headerRow: 0, kind: 'customers', preset: null },
      headers: ['Order date', 'Customer', 'Amount', 'Note', '城市', 'Quantity', 'Total'],
      mapping: { customer_id: 'Customer', city: '城市' },
      missing: [],
    });
    expect(job.result?.rows.slice(0, 2)).toEqual([
      ['2024-01-05T00:00:00', 'Smith, John', '12.5', 'He said "hi"\non two lines', '上海', '3', '37.5'],
      ['2024-02-29T14:30:00', 'Zoë Müller', '-4.25', 'a, b and c', '北京', '', '-8.5'],
    ]);
  });

  it('fails on an empty file with the message the preview gave on the main thread', async () => {
    const dir = tempDir();
    const empty = join(dir, 'orders.csv');
    writeFileSync(empty, '');
    const db = createProject(join(dir, 'direct.mlens'));
    const direct = await previewImport(db, { id: 'f', name: 'orders.csv', sizeBytes: 0 }, empty, {}).then(
      () => null,
      (error: Error) => error.message,
    );
    db.close();
    expect(direct).toBe('orders.csv: the file is empty. Export the data again and pick the new file.');

    const core = await coreWithProject([empty]);
    const { job } = await previewJob(core);
    expect(job.state).toBe('failed');
    expect(job.result).toBeNull();
    // The job keeps the error's code, so the wizard words it as it did when the preview was an operation.
    expect(job.error).toEqual({ code: 'IMPORT_UNREADABLE', message: direct });
  });

  it('ends as cancelled, without a result, when cancelled as it starts', async () => {
    const core = await coreWithProject([RETAIL_SAMPLE]);
    const ref = await ok<ImportFileRef>(core.dispatch('import.pickFile', {}));
    const started = await ok<JobInfo>(core.dispatch('jobs.start', { kind: 'import-preview', fileId: ref.id }));
    await ok(core.dispatch('jobs.cancel', { id: started.id }));
    await expect
      .poll(async () => (await ok<JobInfo>(core.dispatch('jobs.get', { id: started.id }))).state, { timeout: 20_000 })
      .toBe('cancelled');
    expect((await ok<JobInfo>(core.dispatch('jobs.get', { id: started.id }))).result).toBeNull();
  });
});
