// cobra's default `completion` command (Debian's etcdctl is built with a cobra
// that adds it): one subcommand per shell, each printing cobra's script.
import type { CommandSpec } from '../core/command.ts';
import { cobraCommandError } from '../core/dispatch.ts';
import { completionScript } from './completion-scripts.ts';

const NO_DESC = { name: 'no-descriptions', kind: 'bool', def: 'false', usage: 'disable completion descriptions' } as const;

const LONG: Record<string, string> = {
  bash: `Generate the autocompletion script for the bash shell.

This script depends on the 'bash-completion' package.
If it is not installed already, you can install it via your OS's package manager.

To load completions in your current shell session:

\tsource <(etcdctl completion bash)

To load completions for every new session, execute once:

#### Linux:

\tetcdctl completion bash > /etc/bash_completion.d/etcdctl

#### macOS:

\tetcdctl completion bash > $(brew --prefix)/etc/bash_completion.d/etcdctl

You will need to start a new shell for this setup to take effect.
`,
  fish: `Generate the autocompletion script for the fish shell.

To load completions in your current shell session:

\tetcdctl completion fish | source

To load completions for every new session, execute once:

\tetcdctl completion fish > ~/.config/fish/completions/etcdctl.fish

You will need to start a new shell for this setup to take effect.
`,
  powershell: `Generate the autocompletion script for powershell.

To load completions in your current shell session:

\tetcdctl completion powershell | Out-String | Invoke-Expression

To load completions for every new session, add the output of the above command
to your powershell profile.
`,
  zsh: `Generate the autocompletion script for the zsh shell.

If shell completion is not already enabled in your environment you will need
to enable it.  You can execute the following once:

\techo "autoload -U compinit; compinit" >> ~/.zshrc

To load completions in your current shell session:

\tsource <(etcdctl completion zsh); compdef _etcdctl etcdctl

To load completions for every new session, execute once:

#### Linux:

\tetcdctl completion zsh > "\${fpath[1]}/_etcdctl"

#### macOS:

\tetcdctl completion zsh > $(brew --prefix)/share/zsh/site-functions/_etcdctl

You will need to start a new shell for this setup to take effect.
`,
};

function shellCommand(shell: 'bash' | 'fish' | 'powershell' | 'zsh'): CommandSpec {
  return {
    name: shell,
    use: shell,
    short: `Generate the autocompletion script for ${shell}`,
    long: LONG[shell],
    flags: [NO_DESC],
    disableFlagsInUseLine: true,
    run: (ctx) => {
      // cobra's NoArgs.
      if (ctx.args.length > 0) {
        cobraCommandError(ctx.command, `unknown command "${ctx.args[0]}" for "etcdctl completion ${shell}"`, ctx.stdout, ctx.stderr);
      }
      ctx.out(completionScript(shell, ctx.bool('no-descriptions')));
      return Promise.resolve();
    },
  };
}

export const completionCommand: CommandSpec = {
  name: 'completion',
  use: 'completion',
  short: 'Generate the autocompletion script for the specified shell',
  long: `Generate the autocompletion script for etcdctl for the specified shell.
See each sub-command's help for details on how to use the generated script.
`,
  subcommands: [shellCommand('bash'), shellCommand('zsh'), shellCommand('fish'), shellCommand('powershell')],
};
