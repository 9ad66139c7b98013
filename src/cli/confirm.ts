import { createInterface } from 'node:readline';

/**
 * Asks on the terminal; true only for the answer "yes", as Terraform does. Ctrl-C (SIGINT at the
 * prompt), Ctrl-D (end of input) and `signal` aborting are answers too: no.
 */
export function confirm(question: string, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    let answered = false;
    const answer = (yes: boolean, newline: boolean) => {
      if (answered) return;
      answered = true;
      signal?.removeEventListener('abort', onAbort);
      // The cursor is still on the prompt line after ^C or ^D: what follows starts a line of its own.
      if (newline) process.stdout.write('\n');
      rl.close();
      resolve(yes);
    };
    const onAbort = () => answer(false, true);
    rl.on('line', (line) => answer(line.trim() === 'yes', false));
    rl.on('SIGINT', () => answer(false, true));
    rl.on('close', () => answer(false, true));
    if (signal?.aborted) return answer(false, false);
    signal?.addEventListener('abort', onAbort, { once: true });
    rl.setPrompt(question);
    rl.prompt();
  });
}
