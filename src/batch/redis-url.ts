/** Redis URLs in messages (no dependencies: the CLI loads this without the queue's client). */

/** A Redis URL as messages show it: the password replaced by `***` (a message may end up in a log). */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
