import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridge } from './bridge';

const bridge = buildBridge(
  (channel, payload) => ipcRenderer.invoke(channel, payload),
  (channel, listener) => {
    // The IPC event carries `sender` (ipcRenderer itself): only the payload may reach the page.
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
);

contextBridge.exposeInMainWorld('marketlens', bridge);
