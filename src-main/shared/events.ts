import type { JobInfo, ProjectInfo, Settings } from './dto';

/** Events the core pushes to every connected renderer. */
export interface EventMap {
  'job.updated': JobInfo;
  'project.changed': ProjectInfo | null;
  'settings.changed': Settings;
}

export type EventName = keyof EventMap;

export const EVENT_NAMES = [
  'job.updated',
  'project.changed',
  'settings.changed',
] as const satisfies readonly EventName[];

export interface CoreEvent<K extends EventName = EventName> {
  name: K;
  payload: EventMap[K];
}
