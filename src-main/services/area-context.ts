import type { ProjectSession } from './project-session';
import type { ImportFiles } from './import-service';

/** What an area's operation handlers may use from the core. */
export interface AreaContext {
  /** The open project, or a NO_PROJECT error. */
  requireSession(): ProjectSession;
  /** Files the user handed over (dialog or upload), by id. */
  files: ImportFiles;
}
