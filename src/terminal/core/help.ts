// etcdctl's help and usage text (its own usage template over cobra).
import { type CommandSpec, type ResolvedCommand, commandPath } from './command.ts';

/** The help etcdctl prints for a command (to stdout). */
export function renderHelp(r: ResolvedCommand): string {
  const lines = ['NAME:', `\t${commandPath(r)} - ${r.spec.short}`, '', 'USAGE:', `\t${r.path[0]!.name} ${r.spec.use}`, ''];
  return lines.join('\n') + '\n';
}

/** cobra's "Did you mean this?" suffix for an unknown command, or ''. */
export function unknownCommandSuggestion(_root: CommandSpec, _word: string): string {
  return '';
}
