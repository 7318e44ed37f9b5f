"""The sandbox's inside: the *zygote* server and, per submission, the *cage* and *worker* processes.

This folder runs as a script (``python -I -S grader/cage/server.py --serve PATHS``), never imported by the grader's own
process for running code, so its modules import nothing from the project but each other. :mod:`grader.sandbox` starts it and
speaks its protocol: one JSON request per line on stdin (the submission, its cases and its limits), two
JSON lines per request on stdout (``{"started": pid}``, then ``{"done": {...}}`` with how the run ended,
what it printed, the refusals it caused and the worker's result, all of them *claims* that the grader
validates: the worker ran the student's code and may have been subverted).

Processes, per request: the zygote (which imported torch once and never runs student code) forks the
*cage* (a new session, new namespaces when allowed), which forks the *worker*: it writes the files it was
given into a fresh folder, confines itself (rlimits, chroot and uid when root, the audit hook), loads the
submission and calls the function. When the run ends the zygote kills the cage's process group, and, when
it is the init of its own PID namespace (under bubblewrap), every other process in it: nothing a
submission starts outlives its part. ``PR_SET_PDEATHSIG`` ties each process to its parent, so killing the
grader ends the zygote, the cage and the worker.

Refusals of the audit hook travel on their own pipe as they happen; a worker that closes or replaces
that pipe cannot refuse silently: a refusal that cannot be reported ends the worker (exit code 86).
"""
