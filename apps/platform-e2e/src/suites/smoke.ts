// smoke (read-only, safe in prod): the page renders what runs and the record count, the records
// API answers, and the run writes nothing: the count is the same at the end as at the start.
import { recordCount } from '../http.ts';
import type { Suite } from '../runner.ts';
import { expectNoProblemBanner, openPage, shownCount, shownVersions } from './web-page.ts';

const counts = 'the records API answers with the record count';

export const smoke: Suite = {
  name: 'smoke',
  checks: (target) => [
    {
      name: counts,
      async run(context) {
        context.state.set('countAtStart', await recordCount(target.urls.records));
      },
    },
    {
      name: 'the page shows both versions and the record count',
      async run(context) {
        const page = await context.page();
        await openPage(page, target.urls.web);
        await expectNoProblemBanner(page);
        const shown = await shownVersions(page);
        for (const [deployable, version] of Object.entries(shown)) {
          if (version === '' || version.startsWith('unknown')) throw new Error(`the page shows ${deployable}'s version as ${JSON.stringify(version)}`);
          const answered = context.versions[deployable as keyof typeof shown]?.version;
          if (answered !== undefined && answered !== version) throw new Error(`the page shows ${deployable} ${version}, but ${deployable}'s /version answers ${answered}`);
        }
        const count = await shownCount(page);
        const atStart = context.state.get('countAtStart');
        if (typeof atStart === 'number' && count !== atStart) throw new Error(`the page shows ${count} records, the records API counted ${atStart}`);
        await context.screenshot(page, 'page');
      },
    },
    {
      name: 'nothing was written: the record count is unchanged',
      requires: [counts],
      async run(context) {
        const atStart = context.state.get('countAtStart') as number;
        const atEnd = await recordCount(target.urls.records);
        if (atEnd !== atStart) throw new Error(`the records API counted ${atStart} records at the start of the smoke suite and ${atEnd} at its end`);
      },
    },
  ],
};
