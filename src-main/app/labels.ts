import type { Locale } from '../shared/dto';

/** The few words the shell itself shows (menus, file dialogs); the renderer translates everything else. */
export interface ShellLabels {
  file: string;
  edit: string;
  view: string;
  window: string;
  openProject: string;
  closeProject: string;
  quit: string;
  undo: string;
  redo: string;
  cut: string;
  copy: string;
  paste: string;
  selectAll: string;
  reload: string;
  toggleDevTools: string;
  resetZoom: string;
  zoomIn: string;
  zoomOut: string;
  toggleFullScreen: string;
  minimize: string;
  close: string;
  newProjectTitle: string;
  openProjectTitle: string;
  projectFileType: string;
  importFileTitle: string;
  importFileType: string;
  cannotOpenProject: string;
}

export const SHELL_LABELS: Record<Locale, ShellLabels> = {
  en: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    openProject: 'Open Project…',
    closeProject: 'Close Project',
    quit: 'Quit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    reload: 'Reload',
    toggleDevTools: 'Developer Tools',
    resetZoom: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    toggleFullScreen: 'Full Screen',
    minimize: 'Minimize',
    close: 'Close Window',
    newProjectTitle: 'New project',
    openProjectTitle: 'Open project',
    projectFileType: 'MarketLens project',
    importFileTitle: 'Import a file',
    importFileType: 'Tables (CSV, TSV, TXT, Excel)',
    cannotOpenProject: 'Cannot open the project',
  },
  'zh-CN': {
    file: '文件',
    edit: '编辑',
    view: '视图',
    window: '窗口',
    openProject: '打开项目…',
    closeProject: '关闭项目',
    quit: '退出',
    undo: '撤销',
    redo: '重做',
    cut: '剪切',
    copy: '复制',
    paste: '粘贴',
    selectAll: '全选',
    reload: '重新加载',
    toggleDevTools: '开发者工具',
    resetZoom: '实际大小',
    zoomIn: '放大',
    zoomOut: '缩小',
    toggleFullScreen: '全屏',
    minimize: '最小化',
    close: '关闭窗口',
    newProjectTitle: '新建项目',
    openProjectTitle: '打开项目',
    projectFileType: 'MarketLens 项目',
    importFileTitle: '导入文件',
    importFileType: '表格（CSV、TSV、TXT、Excel）',
    cannotOpenProject: '无法打开项目',
  },
};
