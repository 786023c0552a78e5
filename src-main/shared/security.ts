/**
 * The renderer's Content Security Policy: the meta tag in `src-renderer/index.html`, the `app://` protocol and
 * the browser host all send exactly this (a test keeps them equal). Styles may be inline because the component
 * library injects its CSS at run time; scripts may come only from the app itself, and nothing may be evaluated.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The origin the desktop app serves its renderer from. */
export const APP_ORIGIN = 'app://marketlens';
