"""Keep the journal's key and plaintext out of crash dumps, as far as the platform lets a process.

A core dump of the app holds its raw key (several copies) and every decrypted page it held:
whoever reads the dump reads the journal. `forbid_core_dumps` runs first thing in the command
line's `main` (which also starts the app), before any key is read.

- Linux: the core size limit is set to 0 (soft and hard: the process cannot raise it again) and
  the process is made non-dumpable (`prctl(PR_SET_DUMPABLE, 0)`): the kernel writes no core,
  and other processes of the same user can no longer ptrace it or read `/proc/PID/mem`,
  `environ` or its open files (its `/proc/PID` now belongs to root). Root still can.
- macOS: the core size limit is set to 0. There is no per-process "non-dumpable" switch; who may
  read the process's memory is decided by the code signature (hardened runtime, no
  `get-task-allow`), not at run time. Crash reports (ReportCrash) hold backtraces, not memory.
- Windows: Windows Error Reporting is not invoked on a crash (`SEM_NOGPFAULTERRORBOX`) and, if it
  is anyway, leaves the heap out of its dump (`WER_FAULT_REPORTING_FLAG_NOHEAP`). An administrator
  can still configure full dumps (WER LocalDumps, a post-mortem debugger), and the same user can
  dump a running process (Task Manager, procdump): Windows gives a process no way to refuse that.

Import-cheap (the app's cold start is benchmarked): the platform's modules load inside.
"""

from __future__ import annotations

import sys

PR_SET_DUMPABLE = 4
SEM_FAILCRITICALERRORS = 0x0001
SEM_NOGPFAULTERRORBOX = 0x0002
WER_FAULT_REPORTING_FLAG_NOHEAP = 0x0001


def forbid_core_dumps() -> list[str]:
    """Stop this process from leaving its memory behind on a crash; returns what was done.

    Never raises: a platform (or a C library) without one of these calls runs without it.
    """
    if sys.platform == "win32":
        return _windows()
    done = _core_limit_zero()
    if sys.platform.startswith("linux") and _not_dumpable():
        done.append("not dumpable")
    return done


def _core_limit_zero() -> list[str]:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        return []
    return ["core size limit 0"]


def _not_dumpable() -> bool:
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    result: int = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    return result == 0


def _windows() -> list[str]:
    import ctypes

    done = []
    try:
        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
        kernel32.SetErrorMode(kernel32.GetErrorMode() | SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX)
        done.append("no error reporting")
        if kernel32.WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP) == 0:  # S_OK
            done.append("no heap in error reports")
    except (OSError, AttributeError):
        pass
    return done
