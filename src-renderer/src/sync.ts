import { watch } from 'vue';
import type { Router } from 'vue-router';
import { onEvent } from '@/api';
import { useAppStore } from '@/stores/app';
import { useJobsStore } from '@/stores/jobs';
import { useProjectStore } from '@/stores/project';

/**
 * Keeps this window in step with the core, whichever window or door changed it: the language, the open project
 * (and with it the page shown) and the jobs.
 */
export function followCore(router: Router): void {
  const app = useAppStore();
  const project = useProjectStore();
  const jobs = useJobsStore();

  onEvent('settings.changed', (settings) => app.applyLocale(settings.locale));
  onEvent('project.changed', (info) => project.show(info));
  onEvent('job.updated', (job) => {
    if (project.current) jobs.upsert(job);
  });

  watch(
    () => project.current?.path ?? null,
    (path, previousPath) => {
      const route = router.currentRoute.value;
      jobs.clear();
      if (path) {
        void project.refreshCounts();
        void jobs.load();
        // A newly opened project starts on its Overview; on start-up (no previous path) the route is kept.
        if (previousPath !== undefined) void router.push({ name: 'overview' });
      } else if (route.meta.needsProject) {
        void router.push({ name: 'home' });
      }
    },
    { immediate: true },
  );
}
