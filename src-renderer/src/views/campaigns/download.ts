import type { CampaignFile } from '@shared/campaigns';

/** Hands an export to the browser as a download: the renderer never names a path on disk. */
export function saveFile(file: CampaignFile): void {
  const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
