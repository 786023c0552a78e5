import type { MenuItemConstructorOptions } from 'electron';
import type { ShellLabels } from './labels';

export interface MenuActions {
  openProject(): void;
  closeProject(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Reload and the developer tools are for people working on MarketLens, not for its users. */
  developer: boolean;
  actions: MenuActions;
}

const separator: MenuItemConstructorOptions = { type: 'separator' };

export function menuTemplate(labels: ShellLabels, options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const file: MenuItemConstructorOptions[] = [
    { label: labels.openProject, accelerator: 'CmdOrCtrl+O', click: () => options.actions.openProject() },
    { label: labels.closeProject, click: () => options.actions.closeProject() },
  ];
  // macOS puts Quit in the application menu.
  if (!mac) file.push(separator, { role: 'quit', label: labels.quit });
  const developer: MenuItemConstructorOptions[] = options.developer
    ? [{ role: 'reload', label: labels.reload }, { role: 'toggleDevTools', label: labels.toggleDevTools }, separator]
    : [];
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { label: labels.file, submenu: file },
    {
      label: labels.edit,
      submenu: [
        { role: 'undo', label: labels.undo },
        { role: 'redo', label: labels.redo },
        separator,
        { role: 'cut', label: labels.cut },
        { role: 'copy', label: labels.copy },
        { role: 'paste', label: labels.paste },
        { role: 'selectAll', label: labels.selectAll },
      ],
    },
    {
      label: labels.view,
      submenu: [
        ...developer,
        { role: 'resetZoom', label: labels.resetZoom },
        { role: 'zoomIn', label: labels.zoomIn },
        { role: 'zoomOut', label: labels.zoomOut },
        separator,
        { role: 'togglefullscreen', label: labels.toggleFullScreen },
      ],
    },
    {
      label: labels.window,
      submenu: [
        { role: 'minimize', label: labels.minimize },
        { role: 'close', label: labels.close },
      ],
    },
  ];
}
