import {
  PROPENSITY_FEATURES,
  type DataNote,
  type DriverDto,
  type FeatureRef,
  type ModelFamily,
  type ModelInfo,
  type RuleConditionDto,
} from '@shared/models';
import { useI18n } from 'vue-i18n';

const isPropensityFeature = (column: string): boolean => (PROPENSITY_FEATURES as readonly string[]).includes(column);

/** Plain words for the models area: feature names, drivers, tree rules, data notes. */
export function useModelText() {
  const { t, locale } = useI18n();
  const number = (value: number, digits = 0) =>
    new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits }).format(value);
  const percent = (share: number, digits = 0) =>
    new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: digits }).format(share);

  /** An order-based feature by its plain name; a table column as its header. */
  const columnName = (column: string): string => (isPropensityFeature(column) ? t(`models.feature.${column}`) : column);

  const featureName = (feature: FeatureRef): string => {
    const column = columnName(feature.column);
    if (feature.role === 'missing') return t('models.featureMissing', { column });
    if (feature.role === 'level') return t('models.featureLevel', { column, level: feature.level ?? '' });
    if (feature.role === 'other') return t('models.featureOther', { column });
    return column;
  };

  const familyName = (family: ModelFamily): string => t(`models.family.${family}`);

  const modelTitle = (model: Pick<ModelInfo, 'kind' | 'window' | 'name'>): string =>
    model.kind === 'table' ? model.name : t(`models.target.${model.kind}`, { days: model.window.days ?? 0 });

  const driverSentence = (driver: DriverDto): string =>
    t(driver.direction === 'raises' ? 'models.drivers.raises' : 'models.drivers.lowers', {
      feature: featureName(driver),
      odds: number(driver.direction === 'raises' ? driver.oddsRatio : 1 / driver.oddsRatio, 2),
    });

  const condition = (c: RuleConditionDto): string => {
    if (c.role === 'value')
      return t(c.op === '<=' ? 'models.rules.atMost' : 'models.rules.over', {
        feature: columnName(c.column),
        value: number(c.value, Math.abs(c.value) < 10 ? 2 : 0),
      });
    // Flags and levels are 0/1: "≤ 0" means the customer does not have it.
    const has = c.op === '>';
    if (c.role === 'missing')
      return t(has ? 'models.rules.missing' : 'models.rules.known', { feature: columnName(c.column) });
    const level = c.role === 'other' ? t('models.otherLevel') : (c.level ?? '');
    return t(has ? 'models.rules.is' : 'models.rules.isNot', { feature: columnName(c.column), level });
  };

  const note = (n: DataNote): string => {
    const column = columnName(n.column);
    switch (n.code) {
      case 'mixed-type':
        return t('models.notes.mixed', { column, n: n.nonNumeric, examples: n.examples.join(', ') });
      case 'dropped-missing':
        return t('models.notes.droppedMissing', { column });
      case 'dropped-constant':
        return t('models.notes.droppedConstant', { column, value: String(n.value) });
      case 'dropped-rare-levels':
        return t('models.notes.droppedRare', { column, n: n.minLevelCount });
      case 'log1p':
        return t('models.notes.log1p', { column });
      case 'imputed':
        return t('models.notes.imputed', { column, n: number(n.count), value: number(n.value, 2) }, n.count);
      case 'one-hot':
        return t('models.notes.oneHot', { column, n: n.levels.length }, n.levels.length);
    }
  };

  return { number, percent, columnName, featureName, familyName, modelTitle, driverSentence, condition, note };
}
