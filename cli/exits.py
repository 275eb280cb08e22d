"""The exit codes of the `duaal` command (docs/CONTRACTS.md, "Input checks and the outcome of
a run")."""

import signal

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_WARNINGS = 0, 1, 2, 3, 4
# interrupted: 128 + the signal, as a shell reports it (duaal.common.interrupts.exit_code)
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM
