import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { join } from 'node:path';
import type { Dialogs } from '../services/core';
import { PROJECT_EXTENSION } from '../store/connection';
import type { ShellLabels } from './labels';

export interface DialogContext {
  /** The window the dialog belongs to, if one is open. */
  parent(): BaseWindow | null;
  labels(): ShellLabels;
  workspaceDir: string;
}

/** The core's `Dialogs` as the operating system's file dialogs: the only way a project path enters the core. */
export function nativeDialogs(dialog: Dialog, context: DialogContext): Dialogs {
  const filters = () => [{ name: context.labels().projectFileType, extensions: [PROJECT_EXTENSION.slice(1)] }];
  const save = (options: SaveDialogOptions) => {
    const parent = context.parent();
    return parent ? dialog.showSaveDialog(parent, options) : dialog.showSaveDialog(options);
  };
  const open = (options: OpenDialogOptions) => {
    const parent = context.parent();
    return parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options);
  };
  return {
    async chooseNewProjectPath(suggestedName) {
      const result = await save({
        title: context.labels().newProjectTitle,
        defaultPath: join(context.workspaceDir, suggestedName),
        filters: filters(),
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return result.canceled || result.filePath === '' ? null : result.filePath;
    },
    async chooseProjectToOpen() {
      const result = await open({
        title: context.labels().openProjectTitle,
        defaultPath: context.workspaceDir,
        filters: filters(),
        properties: ['openFile'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async chooseImportFile() {
      const result = await open({
        title: context.labels().importFileTitle,
        filters: [{ name: context.labels().importFileType, extensions: ['csv', 'tsv', 'txt', 'xlsx'] }],
        properties: ['openFile'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
