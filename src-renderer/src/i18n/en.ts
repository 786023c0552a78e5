/**
 * English, the reference locale: every other locale has exactly these keys (test/unit/i18n.test.ts).
 * vue-i18n message syntax: {name} is a placeholder, "a | b" chooses by count; avoid a bare at-sign, braces and
 * the vertical bar in plain text.
 */
const en = {
  app: {
    name: 'MarketLens',
    tagline: 'Learn who your customers are, predict who will buy, and build campaign lists. On this computer only.',
  },
  languages: {
    label: 'Language',
    en: 'English',
    'zh-CN': '简体中文',
  },
  errors: {
    detail: 'Details: {message}',
    VALIDATION: 'That input was not accepted.',
    UNKNOWN_OPERATION: 'This version of MarketLens does not know that action.',
    UNAUTHORIZED:
      'This page has no valid access key. Open the full address MarketLens printed when it started (it ends with ?token=…).',
    NO_PROJECT: 'No project is open. Create or open a project first.',
    NOT_FOUND: 'That item is no longer there.',
    PROJECT_EXISTS: 'A project with that name already exists. Choose another name, or open the existing project.',
    PROJECT_NOT_FOUND: 'The project file was not found. It may have been moved or deleted.',
    PROJECT_NOT_SQLITE: 'That file is not a MarketLens project. It was left unchanged.',
    PROJECT_NOT_MARKETLENS: 'That database is not a MarketLens project. It was left unchanged.',
    PROJECT_CORRUPT:
      'The project file is damaged and cannot be opened. It was left unchanged; restore it from a backup.',
    PROJECT_NEWER_VERSION:
      'This project was saved by a newer version of MarketLens. Update MarketLens to open it; the file was left unchanged.',
    PROJECT_READ_ONLY: 'MarketLens cannot write to this project file or its folder. Check the permissions.',
    JOB_NOT_FOUND: 'That job no longer exists.',
    INTERNAL: 'Something went wrong inside MarketLens.',
    UNREACHABLE: 'MarketLens is not answering. Is it still running?',
  },
  common: {
    retry: 'Try again',
  },
  startup: {
    title: 'MarketLens could not start',
  },
  home: {
    create: {
      title: 'New project',
      hint: 'One project file per client or shop: easy to hand over, back up or delete.',
      nameLabel: 'Project name',
      placeholder: 'e.g. Acme shop',
      submit: 'Create project',
      whereWorkspace: 'It will be saved in {dir}',
      whereDialog: 'You will choose where to save the file.',
    },
    open: {
      title: 'Open a project',
      hintDialog: 'Open a .mlens project file from this computer.',
      hintWorkspace: 'Pick one of the projects in {dir}.',
      button: 'Open project…',
    },
    demo: {
      title: 'New here? Start with the demo',
      text: 'Real orders from an online gift shop (UCI Online Retail), already imported, so you can explore at once.',
      button: 'Open the demo project',
    },
    recent: {
      title: 'Recent projects',
      empty: 'Projects you create or open will be listed here.',
      lastOpened: 'Opened {date}',
      missing: 'File not found',
      forget: 'Forget',
      forgetLabel: 'Remove {name} from the recent list',
    },
    browse: {
      title: 'Open a project',
      intro: 'Projects in {dir}',
      empty: 'There are no projects in {dir} yet. Create one first.',
    },
  },
  nav: {
    label: 'Main areas',
    overview: 'Overview',
    import: 'Import',
    customers: 'Customers',
    segments: 'Segments',
    models: 'Models',
    recommendations: 'Recommendations',
    campaigns: 'Campaigns',
  },
  header: {
    demo: 'Demo',
    closeProject: 'Close project',
    jobsRunning: '{n} job running | {n} jobs running',
  },
  tables: {
    customers: 'Customers',
    orders: 'Orders',
    order_lines: 'Order lines',
    products: 'Products',
    imports: 'Imports',
  },
  overview: {
    facts: {
      title: 'Project',
      file: 'File',
      size: 'Size',
      schemaVersion: 'Schema version',
      created: 'Created',
    },
    counts: {
      title: 'What is in this project',
      rows: 'Rows',
      empty: 'This project has no data yet. Import a shop export to fill it.',
    },
    analyse: {
      title: 'Analyse project',
      text: 'Counts the rows of every table, profiles each column and finds each table’s date range. It runs in the background: you can keep working and come back.',
      start: 'Analyse project',
      again: 'Analyse again',
      cancel: 'Cancel',
      queued: 'Waiting to start…',
      working: 'Reading {table}…',
      starting: 'Starting…',
      progressLabel: 'Analysis progress',
      cancelled: 'The analysis was cancelled. Nothing in the project was changed.',
      failed: 'The analysis failed.',
      done: 'Analysed {tables} tables on {date} in {duration}.',
    },
    result: {
      table: 'Table',
      rows: 'Rows',
      dateRange: 'Date range',
      dateColumn: 'Dated by',
      none: 'none',
      range: '{from} to {to}',
      expandHint: 'Open a table to see the profile of its columns.',
      column: 'Column',
      filled: 'Filled',
      smallest: 'Smallest',
      largest: 'Largest',
    },
    jobs: {
      title: 'Recent jobs',
      empty: 'No jobs have run in this project yet.',
      job: 'Job',
      state: 'State',
      started: 'Started',
      duration: 'Took',
      problem: 'Problem',
    },
  },
  jobs: {
    kinds: {
      'analyse-project': 'Analyse project',
    },
    states: {
      queued: 'Queued',
      running: 'Running',
      succeeded: 'Done',
      failed: 'Failed',
      cancelled: 'Cancelled',
    },
  },
  areas: {
    needsDataTitle: 'Import customers and orders first',
    needsData: 'This area works on your customers and orders: import a shop export to begin.',
    arrivingTitle: 'Arriving in a coming release',
    ready: 'Your data is ready for it: {customers} customers and {orders} orders.',
    goImport: 'Go to Import',
    goOverview: 'Go to the Overview',
    import: {
      title: 'The import wizard arrives with the next release',
      text: 'It will read exports from Shopify, WooCommerce, Taobao/Tmall, Youzan, JD or any CSV or Excel file, in any encoding, and turn them into clean customers and orders.',
      untilThen: 'Until then, open the demo project to explore real data.',
      inDemo: 'You are in the demo project: its orders are already imported. See them on the Overview.',
      openDemo: 'Open the demo project',
    },
    customers: {
      emptyTitle: 'No customers yet',
      emptyText: 'Import an orders or customers export first.',
      readyTitle: '{n} customers in this project',
      readyText:
        'The customer list, search and a page per customer arrive with a coming release. Meanwhile, Analyse project on the Overview profiles every table.',
    },
    segments: {
      what: 'Group customers into segments you can name and act on: RFM scores (Champions, Loyal, At risk…), segments built from rules, and clusters found in the data.',
    },
    models: {
      what: 'Predict who is likely to buy in the next 90 days, who is slipping away and what each customer is worth, with an evaluation you can check.',
    },
    recommendations: {
      what: 'Give every customer a ranked list of products with a reason, and find the products that are bought together.',
    },
    campaigns: {
      what: 'Turn segments and scores into lists that Mailchimp, Klaviyo, Brevo, HubSpot, Meta or Google accept, respecting consent and keeping a control group to measure the result.',
    },
  },
};

export type MessageSchema = typeof en;
export default en;
