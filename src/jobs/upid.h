// ferry::jobs — UPID, the unique identifier of a worker task (jobs-and-schedules.md §5,
// api.md §5.3.1).
//
//   UPID:{node}:{pid}:{pstart}:{task_id}:{starttime}:{worker_type}:{worker_id}:{auth_id}:
//
// e.g. `UPID:pbs1:00001A2B:00ABCDEF:00000003:66603B33:syncjob:pbs2\x3alocal\x3alocal\x3a\x3apbs2\x2dlocal:root@pam:`
//
// A UPID names a task everywhere: in the API (`/nodes/{node}/tasks/{upid}`), as the file name
// of the task log (`{log root}/{XX}/{UPID}`), in job state files and in a manifest's
// `verify_state`. The numeric fields are rendered as upper-case hex of fixed minimum widths;
// the worker id is escaped systemd-unit style so that a UPID never contains `/`, `:` inside a
// field, or blanks.
//
// `Upid` holds the *unescaped* worker id; `to_string` escapes it and `parse` unescapes it, so
// `parse(u.to_string())` gives back `u`. For canonical input (upper-case hex, minimal widths,
// escaping as we produce it) `parse(text)->to_string() == text` byte for byte.
//
// A parsed UPID is safe to use as a single path component: no field can contain `/`, and the
// text starts with `UPID:`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::jobs {

struct Upid {
  std::string node;          // host name up to the first '.'
  uint32_t pid = 0;          // process id of the daemon that ran the task
  uint64_t pstart = 0;       // that process's start time, clock ticks since boot
  uint64_t task_id = 0;      // per-process task counter
  int64_t starttime = 0;     // task start, epoch seconds (0 .. 0xFFFFFFFF)
  std::string worker_type;   // e.g. "syncjob", "verificationjob", "garbage_collection"
  std::optional<std::string> worker_id;  // unescaped; unset renders as the empty field
  std::string auth_id;       // "user@realm" or "user@realm!token"

  // Parses the text form (api.md §5.3.1 regex): hex fields of either case with the widths
  // pid 8, pstart 8..9, task_id 8..16, starttime 8; node a host-name label; worker type
  // without ':', '/' or blanks; worker id unescaped (empty = unset); auth id a valid Authid;
  // the trailing ':' is required.
  // Errors: InvalidArgument "invalid UPID '<text>': <reason>". Pure.
  static Result<Upid> parse(std::string_view text);

  // The canonical text form: pid as 8 upper-case hex digits, pstart / task_id / starttime
  // with at least 8, the worker id escaped (escape_worker_id). Precondition: the fields are
  // valid as `validate` checks (a UPID built by TaskRegistry always is).
  std::string to_string() const;

  // Checks the fields of a UPID built in code (not parsed): node label syntax, worker type and
  // auth id syntax, starttime range. InvalidArgument naming the field otherwise. Pure.
  Status validate() const;

  // Name of the task-log sub directory: `pstart & 0xFF` as two upper-case hex digits ("EF").
  std::string log_dir_name() const;

  friend bool operator==(const Upid&, const Upid&) = default;
};

// systemd-unit escaping of a worker id (§5): '/' becomes '-'; bytes [A-Za-z0-9_.] are kept,
// except a '.' in the first position; every other byte (including '-', ':' and blanks)
// becomes `\x` and two lower-case hex digits. Pure.
//
// PBS-compat: PBS formats the escape with `{:0x}`, which would render bytes below 0x10 with a
// single digit (and its own unescape could not read them back); the spec asks for two digits,
// which is what we write. Such bytes (control characters) never occur in real worker ids.
std::string escape_worker_id(std::string_view id);

// Reverses escape_worker_id: `\xHH` (either case) becomes the byte, '-' becomes '/'.
// Errors: InvalidArgument for a short or unknown escape sequence, a non-hex digit, or a result
// that is not valid UTF-8. Pure.
Result<std::string> unescape_worker_id(std::string_view escaped);

}  // namespace ferry::jobs
