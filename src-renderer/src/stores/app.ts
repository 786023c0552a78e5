import type { AppInfo, Locale } from '@shared/dto';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call, toApiError, type ApiError } from '@/api';
import { i18n } from '@/i18n';
import { useProjectStore } from './project';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const locale = ref<Locale>('en');
  const startupError = ref<ApiError | null>(null);

  /** Our strings, the component library (through App.vue) and the page's language, all at once. */
  function applyLocale(next: Locale): void {
    locale.value = next;
    i18n.global.locale.value = next;
    document.documentElement.lang = next;
  }

  async function start(): Promise<void> {
    try {
      const [appInfo, settings] = await Promise.all([call('app.info'), call('settings.get'), useProjectStore().load()]);
      info.value = appInfo;
      applyLocale(settings.locale);
    } catch (error) {
      startupError.value = toApiError(error);
    }
  }

  async function chooseLocale(next: Locale): Promise<void> {
    const previous = locale.value;
    applyLocale(next);
    try {
      await call('settings.update', { locale: next });
    } catch (error) {
      applyLocale(previous);
      throw error;
    }
  }

  return { info, locale, startupError, start, applyLocale, chooseLocale };
});
