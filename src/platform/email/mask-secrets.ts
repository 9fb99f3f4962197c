/**
 * Hide the one-time secrets an email carries (password reset, email verification and
 * invitation tokens, in links and on their own) so a stored or listed copy cannot be used.
 * Tokens are the platform's `newSecret` shape: a short prefix, "_", 43 base64url characters;
 * the value of any `token=` link parameter is hidden too, whatever its shape. The prefix
 * stays, so an operator still sees what kind of link it was.
 */
const PLATFORM_TOKEN = /\b([a-z]{2,8}_)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const TOKEN_PARAMETER = /([?&](?:amp;)?token=)(?![a-z]{2,8}_\[hidden\])[^&\s"'<>]+/g;
export const HIDDEN = '[hidden]';

export function maskSecrets(text: string): string {
  return text.replace(PLATFORM_TOKEN, `$1${HIDDEN}`).replace(TOKEN_PARAMETER, `$1${HIDDEN}`);
}
