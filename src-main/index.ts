import { app, dialog } from 'electron';
import { prepareDesktop, startDesktop, type Desktop } from './app/desktop';
import { projectPathFromArgv } from './app/desktop-paths';

prepareDesktop();

if (!app.requestSingleInstanceLock()) {
  // The running MarketLens receives our command line through 'second-instance' and opens the file there.
  app.quit();
} else {
  let desktop: Desktop | null = null;
  // A file named at launch, or handed over by the OS before the app is ready, waits for the first window.
  let pendingProject = projectPathFromArgv(process.argv, process.cwd());
  const openProject = (path: string) => {
    if (desktop) desktop.openProject(path);
    else pendingProject = path;
  };

  app.on('open-file', (event, path) => {
    event.preventDefault();
    openProject(path);
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    desktop?.showWindow();
    const path = projectPathFromArgv(argv, workingDirectory);
    if (path) openProject(path);
  });

  app.on('activate', () => desktop?.showWindow());

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Closing the core stops its job workers and closes the project file; quitting waits for that, once.
  app.on('will-quit', (event) => {
    const closing = desktop;
    if (!closing) return;
    desktop = null;
    event.preventDefault();
    closing
      .close()
      .catch((error: unknown) => console.error('[marketlens] closing the project failed:', error))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(startDesktop)
    .then((started) => {
      desktop = started;
      desktop.showWindow();
      if (pendingProject) desktop.openProject(pendingProject);
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('MarketLens', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
