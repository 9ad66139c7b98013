import type { Command } from 'commander';
import { configSchemaText } from '../../schemas.js';
import type { Context } from '../context.js';

export function registerSchema(program: Command, ctx: Context): void {
  program
    .command('schema')
    .description('print the config JSON Schema (for editors: yaml-language-server, VS Code)')
    .action(() => {
      ctx.io.stdout(configSchemaText());
    });
}
