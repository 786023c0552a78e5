/** `campaign create|list|results`, `export` and `suppress`: the Campaigns area from the command line. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CampaignResults } from '../shared/campaigns';
import { CoreError } from '../shared/errors';
import { openProject, type Db } from '../store/connection';
import type { CliModule, OptionValues } from './cli-module';
import { formatDate, UsageError, type Output } from './output';

const quiet = { progress: () => undefined, throwIfCancelled: () => undefined };

async function withProject<T>(values: OptionValues, command: string, work: (db: Db) => Promise<T> | T): Promise<T> {
  if (typeof values.project !== 'string') throw new UsageError(`${command} needs --project <file.mlens>`);
  const db = openProject(resolve(values.project));
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

function campaignId(values: OptionValues, command: string): number {
  const id = Number(values.campaign);
  if (values.campaign === undefined) throw new UsageError(`${command} needs --campaign <id>`);
  if (!Number.isInteger(id) || id < 1)
    throw new UsageError(`--campaign must be a campaign id, not "${values.campaign}"`);
  return id;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read ${path} as JSON: ${(error as Error).message}`);
  }
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
}

async function createCommand(values: OptionValues, out: Output): Promise<number> {
  if (typeof values.spec !== 'string') throw new UsageError('campaign create needs --spec spec.json');
  const { campaignSpecSchema } = await import('../shared/campaigns');
  const parsed = campaignSpecSchema.safeParse(readJson(values.spec));
  if (!parsed.success)
    throw new CoreError('VALIDATION', `${values.spec} is not a campaign spec: ${issues(parsed.error)}`);
  const { createCampaign } = await import('../campaigns/campaign-store');
  const campaign = await withProject(values, 'campaign create', (db) => createCampaign(db, parsed.data, quiet));
  const f = campaign.funnel;
  out.result(
    {
      id: campaign.id,
      name: campaign.name,
      audience: f.afterScore,
      noConsent: f.noConsent,
      suppressed: f.suppressed,
      recentlyContacted: f.recentlyContacted,
      eligible: f.eligible,
      holdout: f.holdout,
      exported: f.treated,
      withEmail: f.withEmail,
      withPhone: f.withPhone,
    },
    () =>
      [
        `Saved campaign "${campaign.name}" (id ${campaign.id}):`,
        `  in the chosen segments    ${f.inSegments}`,
        ...(f.afterScore === f.inSegments ? [] : [`  after the score rule      ${f.afterScore}`]),
        `  no consent                −${f.noConsent}`,
        `  suppressed                −${f.suppressed}`,
        `  contacted lately          −${f.recentlyContacted}`,
        `  held out (control group)  ${f.holdout}`,
        `  to contact                ${f.treated} (${f.withEmail} with email, ${f.withPhone} with phone)`,
      ].join('\n'),
  );
  return 0;
}

async function listCommand(values: OptionValues, out: Output): Promise<number> {
  const { listCampaigns } = await import('../campaigns/campaign-store');
  const campaigns = await withProject(values, 'campaign list', listCampaigns);
  out.result(campaigns, () =>
    campaigns.length === 0
      ? 'No campaigns yet. Create one with marketlens campaign create.'
      : campaigns
          .map(
            (c) =>
              `  ${String(c.id).padStart(4)}  ${c.name.padEnd(30)} ${formatDate(c.createdAt)}  ${c.funnel.treated} to contact, ${c.funnel.holdout} held out, ${c.exports} exports`,
          )
          .join('\n'),
  );
  return 0;
}

async function exportCommand(values: OptionValues, out: Output): Promise<number> {
  const id = campaignId(values, 'export');
  if (typeof values.out !== 'string') throw new UsageError('export needs --out <file>');
  const { exportOptionsSchema } = await import('../shared/campaigns');
  const parsed = exportOptionsSchema.safeParse({
    preset: values.preset,
    hashed: values.hashed === true,
    ...(typeof values['default-country'] === 'string' && { defaultCountry: values['default-country'] }),
    ...(typeof values.encoding === 'string' && { encoding: values.encoding.toLowerCase() }),
    ...(values['no-bom'] === true && { bom: false }),
  });
  if (!parsed.success) {
    throw new UsageError(
      `export needs --preset mailchimp|klaviyo|brevo|hubspot|meta|google|csv|xlsx and --encoding utf-8|gbk|windows-1252 (${issues(parsed.error)})`,
    );
  }
  const path = resolve(values.out);
  const { exportCampaign } = await import('../campaigns/export-writer');
  const summary = await withProject(values, 'export', (db) => exportCampaign(db, id, parsed.data, path, quiet));
  out.result({ ...summary, out: path }, () =>
    [
      `Wrote ${summary.rows} customers to ${path} (sha-256 ${summary.sha256.slice(0, 16)}…).`,
      ...Object.entries(summary.skippedByReason).map(([reason, n]) => `  skipped ${n}: ${reason}`),
      ...summary.examples.slice(0, 10).map((e) => `    ${e.customerId}: ${e.message}`),
      ...summary.warnings.map((w) => `  warning: ${w.message}`),
    ].join('\n'),
  );
  return 0;
}

async function suppressCommand(values: OptionValues, out: Output): Promise<number> {
  if (typeof values.file !== 'string') throw new UsageError('suppress needs --file <unsubscribes.csv>');
  const reason = values.reason ?? 'manual';
  const { SUPPRESSION_REASONS } = await import('../shared/campaigns');
  const known = SUPPRESSION_REASONS.find((r) => r === reason);
  if (!known) throw new UsageError(`--reason must be ${SUPPRESSION_REASONS.join(', ')}, not "${String(reason)}"`);
  const file = resolve(values.file);
  const { importSuppressions } = await import('../campaigns/suppressions');
  const report = await withProject(values, 'suppress', (db) =>
    importSuppressions(db, file, {
      reason: known,
      defaultCountry: typeof values['default-country'] === 'string' ? values['default-country'] : undefined,
    }),
  );
  out.result(report, () =>
    [
      `Added ${report.added} entries from ${report.fileName} (${report.duplicates} already listed, ${report.invalid} rows unusable); ${report.summary.total} on the do-not-contact list.`,
      ...report.invalidExamples.slice(0, 10).map((e) => `  row ${e.row} "${e.value}": ${e.problem}`),
    ].join('\n'),
  );
  return 0;
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;

function describeResults(r: CampaignResults): string {
  return [
    `${r.source === 'file' ? `From ${r.fileName} (${r.matchedRows} of ${r.fileRows} rows matched)` : `From orders ${formatDate(r.windowStart ?? 0)} .. ${formatDate(r.windowEnd ?? 0)}`}, response = ${r.metric}:`,
    `  contacted  ${r.treated.responders} of ${r.treated.customers} (${percent(r.treated.rate)})`,
    `  held out   ${r.holdout.responders} of ${r.holdout.customers} (${percent(r.holdout.rate)})`,
    `  uplift     ${percent(r.absolute.estimate)} points, 95% interval ${percent(r.absolute.low)} .. ${percent(r.absolute.high)}${r.significant ? '' : ' (not significant)'}`,
    ...(r.revenue
      ? [
          `  revenue per customer difference ${r.revenue.estimate.toFixed(2)} (${r.revenue.low.toFixed(2)} .. ${r.revenue.high.toFixed(2)})`,
        ]
      : []),
  ].join('\n');
}

async function resultsCommand(values: OptionValues, out: Output): Promise<number> {
  const id = campaignId(values, 'campaign results');
  const days = values.days === undefined ? 30 : Number(values.days);
  if (!Number.isInteger(days) || days < 1)
    throw new UsageError(`--days must be a whole number of days, not "${values.days}"`);
  const { RESPONSE_METRICS } = await import('../shared/campaigns');
  const metric = values.metric === undefined ? undefined : RESPONSE_METRICS.find((m) => m === values.metric);
  if (values.metric !== undefined && !metric) throw new UsageError(`--metric must be ${RESPONSE_METRICS.join(', ')}`);
  const { measureFromFile, measureFromOrders } = await import('../campaigns/results');
  const file = typeof values.file === 'string' ? resolve(values.file) : null;
  const result = await withProject(values, 'campaign results', (db) =>
    file ? measureFromFile(db, id, file, undefined, { metric, days }) : measureFromOrders(db, id, { days }),
  );
  out.result(result, () => describeResults(result));
  return 0;
}

/** The campaigns area's commands. */
export const campaignsCli: CliModule = {
  help: [
    '  marketlens campaign create --project <p.mlens> --spec spec.json',
    '                                          Save a campaign: segments, score rule, consent, suppressions, holdout',
    '  marketlens campaign list --project <p.mlens>',
    '                                          Campaigns with their sizes and exports',
    '  marketlens export --project <p.mlens> --campaign <id> --preset mailchimp|klaviyo|brevo|hubspot|meta|google|csv|xlsx',
    '                   --out <file> [--hashed] [--default-country GB] [--encoding utf-8|gbk|windows-1252] [--no-bom]',
    '                                          Write the contacted customers for an email or ad tool',
    '  marketlens suppress --project <p.mlens> --file <file> [--reason unsubscribed|bounced|complaint|manual]',
    '                                          Add emails, phones or customer ids to the do-not-contact list',
    '  marketlens campaign results --project <p.mlens> --campaign <id> [--file results.csv] [--days 30]',
    '                   [--metric orders|clicks|opens]',
    '                                          Contacted against held-out customers: rates, uplift, 95% interval',
  ],
  options: {
    spec: { type: 'string' },
    campaign: { type: 'string' },
    hashed: { type: 'boolean' },
    'default-country': { type: 'string' },
    'no-bom': { type: 'boolean' },
    file: { type: 'string' },
    reason: { type: 'string' },
    days: { type: 'string' },
    metric: { type: 'string' },
  },
  async run(positionals, values, out) {
    const [command, subcommand] = positionals;
    if (command === 'campaign' && subcommand === 'create') return createCommand(values, out);
    if (command === 'campaign' && subcommand === 'list') return listCommand(values, out);
    if (command === 'campaign' && subcommand === 'results') return resultsCommand(values, out);
    if (command === 'export') return exportCommand(values, out);
    if (command === 'suppress') return suppressCommand(values, out);
    return null;
  },
};
