/** What a command needs from its surroundings: output lines and a cancellation signal. */
export interface CommandContext {
  out(line: string): void;
  err(line: string): void;
  signal: AbortSignal;
}
