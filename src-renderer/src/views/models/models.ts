import {
  MISSING_LEVEL,
  PROPENSITY_FEATURES,
  type DataNote,
  type DriverDto,
  type FeatureRef,
  type ModelFamily,
  type ModelInfo,
  type PropensityFeature,
  type RuleConditionDto,
} from '@shared/models';
import { useI18n } from 'vue-i18n';

const isPropensityFeature = (column: string): boolean => (PROPENSITY_FEATURES as readonly string[]).includes(column);

const LISTED_LEVELS = 6;

/** A category's blank cells are a level of their own; they read as "unknown", like a number's missing flag. */
const roleOf = (feature: FeatureRef): FeatureRef['role'] =>
  feature.role === 'level' && feature.level === MISSING_LEVEL ? 'missing' : feature.role;

/** Order features whose missing value, level or pooled rare levels have their own words; others use the generic ones. */
const SPECIFIC_SUBJECTS = {
  missing: ['daysBetweenOrders', 'country', 'emailConsent'],
  level: ['country'],
  other: ['country'],
} as const satisfies Record<Exclude<FeatureRef['role'], 'value'>, readonly PropensityFeature[]>;

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
    const role = roleOf(feature);
    if (role === 'missing') return t('models.featureMissing', { column });
    if (role === 'level') return t('models.featureLevel', { column, level: feature.level ?? '' });
    if (role === 'other') return t('models.featureOther', { column });
    return column;
  };

  const familyName = (family: ModelFamily): string => t(`models.family.${family}`);

  const modelTitle = (model: Pick<ModelInfo, 'kind' | 'window' | 'name'>): string =>
    model.kind === 'table' ? model.name : t(`models.target.${model.kind}`, { days: model.window.days ?? 0 });

  /** What a yes/no feature says about the customer ("Being in United Kingdom"); null for a quantity. */
  const flagSubject = (driver: DriverDto): string | null => {
    const role = roleOf(driver);
    if (role === 'value') return driver.column === 'emailConsent' ? t('models.drivers.subject.emailConsent') : null;
    const specific = (SPECIFIC_SUBJECTS[role] as readonly string[]).includes(driver.column);
    return t(`models.drivers.subject.${role}.${specific ? driver.column : 'any'}`, {
      column: columnName(driver.column),
      level: driver.level ?? '',
    });
  };

  // A flag's step is a standard deviation of a 0/1 column, which means little to a reader: flags get no figure.
  const driverSentence = (driver: DriverDto): string => {
    const subject = flagSubject(driver);
    if (subject !== null) return t(`models.drivers.flag.${driver.direction}`, { subject });
    return t(`models.drivers.value.${driver.direction}`, {
      feature: isPropensityFeature(driver.column) ? t(`models.featureInSentence.${driver.column}`) : driver.column,
      odds: number(driver.direction === 'raises' ? driver.oddsRatio : 1 / driver.oddsRatio, 2),
    });
  };

  const condition = (c: RuleConditionDto): string => {
    if (c.role === 'value')
      return t(c.op === '<=' ? 'models.rules.atMost' : 'models.rules.over', {
        feature: columnName(c.column),
        value: number(c.value, Math.abs(c.value) < 10 ? 2 : 0),
      });
    // Flags and levels are 0/1: "≤ 0" means the customer does not have it.
    const has = c.op === '>';
    if (roleOf(c) === 'missing')
      return t(has ? 'models.rules.missing' : 'models.rules.known', { feature: columnName(c.column) });
    const level = c.role === 'other' ? t('models.otherLevel') : (c.level ?? '');
    return t(has ? 'models.rules.is' : 'models.rules.isNot', { feature: columnName(c.column), level });
  };

  /** The first few levels of a category, enough to recognise it. */
  const levelName = (level: string): string => (level === MISSING_LEVEL ? t('models.blankLevel') : level);
  const listed = (levels: readonly string[]): string =>
    levels.slice(0, LISTED_LEVELS).map(levelName).join(', ') + (levels.length > LISTED_LEVELS ? ', …' : '');

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
        return [
          t('models.notes.oneHot', { column, n: n.levels.length, levels: listed(n.levels) }, n.levels.length),
          n.droppedLevel === null ? '' : t('models.notes.oneHotBaseline', { level: levelName(n.droppedLevel) }),
          n.otherCount > 0 ? t('models.notes.oneHotOther', { n: number(n.otherCount) }, n.otherCount) : '',
        ]
          .filter(Boolean)
          .join(' ');
    }
  };

  return { number, percent, columnName, featureName, familyName, modelTitle, driverSentence, condition, note };
}
