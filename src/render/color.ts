/** ANSI colours, or none: decided once per run from --no-color, NO_COLOR and whether stdout is a TTY. */
export interface Palette {
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

const paint = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

export function palette(enabled: boolean): Palette {
  return enabled
    ? { green: paint(32), yellow: paint(33), red: paint(31), dim: paint(2) }
    : { green: plain, yellow: plain, red: plain, dim: plain };
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or --no-color is given. */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  return isTTY && !noColorFlag && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
