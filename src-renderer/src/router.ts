import { createRouter, createWebHashHistory, type RouteComponent, type RouteRecordRaw } from 'vue-router';
import { useProjectStore } from '@/stores/project';
import HomeView from '@/views/home/HomeView.vue';
import ProjectLayout from '@/views/project/ProjectLayout.vue';
import type { AreaName } from '@/views/project/areas';

declare module 'vue-router' {
  interface RouteMeta {
    needsProject?: boolean;
  }
}

const areaViews: Record<AreaName, () => Promise<{ default: RouteComponent }>> = {
  overview: () => import('@/views/overview/OverviewView.vue'),
  import: () => import('@/views/import/ImportView.vue'),
  customers: () => import('@/views/customers/CustomersView.vue'),
  segments: () => import('@/views/segments/SegmentsView.vue'),
  models: () => import('@/views/models/ModelsView.vue'),
  recommendations: () => import('@/views/recommendations/RecommendationsView.vue'),
  campaigns: () => import('@/views/campaigns/CampaignsView.vue'),
};

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  {
    path: '/project',
    component: ProjectLayout,
    meta: { needsProject: true },
    redirect: { name: 'overview' },
    children: [
      ...Object.entries(areaViews).map(([name, component]) => ({ path: name, name, component })),
      {
        path: 'customers/:id',
        name: 'customer',
        component: () => import('@/views/customers/CustomerView.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
      },
    ],
  },
  { path: '/:unknown(.*)*', redirect: { name: 'home' } },
];

// Hash history: the same build is served from app://marketlens/ and from the browser host's root.
export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  const projectOpen = useProjectStore().current !== null;
  if (to.meta.needsProject && !projectOpen) return { name: 'home' };
  if (to.name === 'home' && projectOpen) return { name: 'overview' };
  return true;
});
