import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { connect } from '@/api';
import App from '@/App.vue';
import { i18n } from '@/i18n';
import { router } from '@/router';
import { useAppStore } from '@/stores/app';
import { followCore } from '@/sync';
import '@/styles.css';

async function start(): Promise<void> {
  connect();
  const app = createApp(App).use(createPinia()).use(i18n);
  const appStore = useAppStore();
  // The router's guards need to know whether a project is open, so the core is asked before the first route.
  await appStore.start();
  app.use(router);
  if (!appStore.startupError) followCore(router);
  app.mount('#app');
}

void start();
