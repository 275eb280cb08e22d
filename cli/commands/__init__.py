"""One module a command: its NAME, its HELP (one line for `duaal --help`), add_arguments(p)
(its flags) and run(args) -> exit code. `COMMANDS` is their order in `duaal --help`."""

from cli.commands import (
    audit,
    demo,
    deploy,
    diff,
    explain,
    export,
    generate,
    purge,
    run,
    runs,
    serve,
    verify,
)

COMMANDS = (run, demo, generate, export, diff, audit, verify, explain, runs, purge, serve, deploy)
