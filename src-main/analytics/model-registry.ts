/**
 * The model registry: every trained model with its held-out evaluation and its fitted transform and estimator,
 * listed, read, deleted, exported as a JSON file and imported back (here or in another project). An exported file
 * carries a format name and version so that a file that is not ours, or from a newer MarketLens, is refused.
 */
import { CoreError } from '../shared/errors';
import {
  MODEL_FAMILIES,
  MODEL_FILE_FORMAT,
  MODEL_FILE_VERSION,
  MODEL_KINDS,
  type ModelDetail,
  type ModelFamily,
  type ModelInfo,
  type ModelKind,
  type ModelMetrics,
  type ModelWindow,
} from '../shared/models';
import { loadDesign, type DesignTransform } from '../ml/design-matrix';
import { loadForest } from '../ml/forest';
import { loadLogisticModel } from '../ml/logistic';
import { loadTree } from '../ml/tree';
import type { Db } from '../store/connection';
import type { EstimatorJSON } from './model-training';

export interface StoredModel {
  design: DesignTransform;
  estimator: EstimatorJSON;
}

export interface NewModel {
  kind: ModelKind;
  algorithm: ModelFamily;
  name: string;
  trainingId: string;
  options: Record<string, unknown>;
  window: ModelWindow;
  metrics: ModelMetrics;
  model: StoredModel;
}

interface ModelRow {
  id: number;
  kind: ModelKind;
  algorithm: ModelFamily;
  version: number;
  name: string;
  created_at: number;
  options_json: string;
  window_json: string;
  metrics_json: string;
  scored_at: number | null;
  scored: number;
}

/** The exported file. */
interface ModelFile {
  format: typeof MODEL_FILE_FORMAT;
  version: number;
  kind: ModelKind;
  algorithm: ModelFamily;
  name: string;
  createdAt: number;
  options: Record<string, unknown>;
  window: ModelWindow;
  metrics: ModelMetrics;
  model: StoredModel;
}

const SELECT = `SELECT m.id, m.kind, m.algorithm, m.version, m.name, m.created_at, m.options_json, m.window_json,
  m.metrics_json, m.scored_at, (SELECT count(*) FROM model_scores s WHERE s.model_id = m.id) AS scored FROM models m`;

const notFound = () => new CoreError('NOT_FOUND', 'That model no longer exists: it may have been deleted.');

function toInfo(row: ModelRow, metrics: ModelMetrics, model?: StoredModel): ModelInfo {
  const options = JSON.parse(row.options_json) as { trainingId?: string; columns?: string[] };
  return {
    id: row.id,
    kind: row.kind,
    algorithm: row.algorithm,
    version: row.version,
    name: row.name,
    createdAt: row.created_at,
    trainingId: options.trainingId ?? String(row.id),
    window: JSON.parse(row.window_json) as ModelWindow,
    auc: metrics.evaluation.auc,
    logLoss: metrics.evaluation.logLoss,
    brier: metrics.evaluation.brier,
    columns: options.columns ?? model?.design.steps.map((step) => step.column) ?? [],
    scoredAt: row.scored_at,
    scoredCustomers: row.scored,
  };
}

export function storeModel(db: Db, model: NewModel, now = Date.now()): ModelInfo {
  const options = {
    ...model.options,
    trainingId: model.trainingId,
    columns: model.model.design.steps.map((step) => step.column),
  };
  const id = Number(
    db
      .prepare(
        `INSERT INTO models (kind, algorithm, version, name, created_at, options_json, window_json, metrics_json, model_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        model.kind,
        model.algorithm,
        MODEL_FILE_VERSION,
        model.name,
        now,
        JSON.stringify(options),
        JSON.stringify(model.window),
        JSON.stringify(model.metrics),
        JSON.stringify(model.model),
      ).lastInsertRowid,
  );
  return modelInfo(db, id);
}

function row(db: Db, id: number): ModelRow {
  const found = db.prepare(`${SELECT} WHERE m.id = ?`).get(id) as ModelRow | undefined;
  if (!found) throw notFound();
  return found;
}

export function modelInfo(db: Db, id: number): ModelInfo {
  const found = row(db, id);
  return toInfo(found, JSON.parse(found.metrics_json) as ModelMetrics);
}

/** Newest first. */
export function listModels(db: Db): ModelInfo[] {
  return (db.prepare(`${SELECT} ORDER BY m.id DESC`).all() as ModelRow[]).map((r) =>
    toInfo(r, JSON.parse(r.metrics_json) as ModelMetrics),
  );
}

export function modelDetail(db: Db, id: number): ModelDetail {
  const found = row(db, id);
  const metrics = JSON.parse(found.metrics_json) as ModelMetrics;
  return { ...toInfo(found, metrics), metrics };
}

export function storedModel(db: Db, id: number): StoredModel {
  const json = db.prepare('SELECT model_json FROM models WHERE id = ?').pluck().get(id) as string | undefined;
  if (json === undefined) throw notFound();
  return JSON.parse(json) as StoredModel;
}

export function deleteModel(db: Db, id: number): void {
  if (db.prepare('DELETE FROM models WHERE id = ?').run(id).changes === 0) throw notFound();
}

export function exportModel(db: Db, id: number): { fileName: string; json: string } {
  const detail = modelDetail(db, id);
  const options = JSON.parse(row(db, id).options_json) as Record<string, unknown>;
  const file: ModelFile = {
    format: MODEL_FILE_FORMAT,
    version: MODEL_FILE_VERSION,
    kind: detail.kind,
    algorithm: detail.algorithm,
    name: detail.name,
    createdAt: detail.createdAt,
    options,
    window: detail.window,
    metrics: detail.metrics,
    model: storedModel(db, id),
  };
  const slug = detail.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'model';
  return { fileName: `${slug}-${detail.algorithm}-${id}.mlmodel.json`, json: JSON.stringify(file) };
}

/** The estimator of a stored or imported model, checked (throws VALIDATION when damaged or too new). */
export function checkEstimator(algorithm: ModelFamily, estimator: unknown, features: number): EstimatorJSON {
  const width =
    algorithm === 'logistic'
      ? loadLogisticModel(estimator).coefficients.length
      : algorithm === 'tree'
        ? loadTree(estimator).features
        : loadForest(estimator).features;
  if (width !== features)
    throw new CoreError(
      'VALIDATION',
      `This model file is damaged: its ${algorithm} expects ${width} features but its transform makes ${features}.`,
    );
  return estimator as EstimatorJSON;
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

function readModelFile(json: string): ModelFile {
  let file: Partial<ModelFile> | null;
  try {
    file = JSON.parse(json) as Partial<ModelFile> | null;
  } catch {
    throw invalid('This file is not a MarketLens model: it is not even JSON. Choose a file saved with Export.');
  }
  if (file?.format !== MODEL_FILE_FORMAT)
    throw invalid('This JSON file is not a MarketLens model. Choose a file saved with Export in MarketLens.');
  const { version } = file;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw invalid('This model file has no valid format version, so it cannot be read.');
  if (version > MODEL_FILE_VERSION)
    throw invalid(
      `This model was saved by a newer MarketLens (model file format ${version}; this one reads up to ` +
        `${MODEL_FILE_VERSION}). Update MarketLens to use it, or train the model again here.`,
    );
  if (
    !(MODEL_KINDS as readonly unknown[]).includes(file.kind) ||
    !(MODEL_FAMILIES as readonly unknown[]).includes(file.algorithm)
  )
    throw invalid('This model file is damaged: its kind or algorithm is unknown.');
  const metrics = file.metrics as Partial<ModelMetrics> | undefined;
  const evaluation = metrics?.evaluation;
  const figures = [evaluation?.auc, evaluation?.logLoss, evaluation?.brier];
  if (!figures.every((v) => typeof v === 'number') || typeof file.window !== 'object' || file.window === null)
    throw invalid('This model file is damaged: its evaluation is missing.');
  return file as ModelFile;
}

/** Adds a model from an exported file, as a new model of this project (its scores are not carried over). */
export function importModel(db: Db, json: string, now = Date.now()): ModelInfo {
  const file = readModelFile(json);
  const design = loadDesign(file.model.design);
  const estimator = checkEstimator(file.algorithm, file.model.estimator, design.features.length);
  const name =
    typeof file.name === 'string' && file.name.trim() !== '' ? file.name.trim().slice(0, 80) : 'Imported model';
  return storeModel(
    db,
    {
      kind: file.kind,
      algorithm: file.algorithm,
      name,
      trainingId: `import-${now}`,
      options: { ...(typeof file.options === 'object' ? file.options : {}), importedAt: now },
      window: file.window,
      metrics: file.metrics,
      model: { design, estimator },
    },
    now,
  );
}

export function modelScores(
  db: Db,
  query: { id: number; offset: number; limit: number },
): { total: number; rows: { customerId: number; externalId: string; score: number }[] } {
  row(db, query.id);
  const total = db.prepare('SELECT count(*) FROM model_scores WHERE model_id = ?').pluck().get(query.id) as number;
  const rows = db
    .prepare(
      `SELECT s.customer_id AS customerId, c.external_id AS externalId, s.score FROM model_scores s
       JOIN customers c ON c.id = s.customer_id WHERE s.model_id = ? ORDER BY s.score DESC, s.customer_id
       LIMIT ? OFFSET ?`,
    )
    .all(query.id, query.limit, query.offset) as { customerId: number; externalId: string; score: number }[];
  return { total, rows };
}
