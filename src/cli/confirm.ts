import { createInterface } from 'node:readline/promises';

/** Asks on the terminal; true only for the answer "yes", as Terraform does. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim() === 'yes';
  } finally {
    rl.close();
  }
}
