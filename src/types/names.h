// ferry::types — the API vocabulary shared by server, client and CLI (the pbs-api-types
// analogue): backup types, namespaces, groups, snapshots, user and token ids, and validators for
// every name that crosses a trust boundary. Everything here is a pure value type: no I/O, no
// global state, thread-compatible.
//
// names.h holds the validators for the simple string kinds of config-format.md §2.5 and
// api.md §4. Each returns InvalidArgument with a message naming what was checked (`what`), the
// offending value and the reason, e.g. "invalid datastore name 'a': must be 3 to 32 characters".
#pragma once

#include <string_view>

#include "common/result.h"

namespace ferry::types {

// The "safe id" pattern `^[A-Za-z0-9_][A-Za-z0-9._\-]*$`.
bool is_safe_id(std::string_view s);

// A safe id of `min_len`..`max_len` characters.
Status validate_safe_id(std::string_view s, std::string_view what, size_t min_len = 1,
                        size_t max_len = 255);

// Safe id, 3..32 characters: datastore names, remote names, job ids, realms.
Status validate_datastore_name(std::string_view s);
Status validate_remote_name(std::string_view s);
Status validate_job_id(std::string_view s);

// Single line, no control characters, at most 128 characters.
Status validate_comment(std::string_view s);

// 32 colon-separated hex byte pairs (either case), e.g. "64:d3:ff:...".
Status validate_fingerprint(std::string_view s);

// DNS name, IPv4 dotted quad or IPv6 address (without brackets).
Status validate_host(std::string_view s);

// Archive (file) names inside a snapshot: safe id ending in .fidx, .didx or .blob.
Status validate_archive_name(std::string_view s);

}  // namespace ferry::types
