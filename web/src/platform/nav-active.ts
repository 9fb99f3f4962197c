/**
 * Which navigation link is the current page's: the one whose path is the longest prefix of
 * the current path. An app's first link is usually its root (/social), a prefix of all its
 * pages, so "any matching link" would light up the root's link beside the page's own.
 */
export function activeNavTarget(pathname: string, targets: readonly string[]): string | undefined {
  const within = (to: string) => pathname === to || pathname.startsWith(to.endsWith('/') ? to : `${to}/`);
  return targets.filter(within).sort((a, b) => b.length - a.length)[0];
}
