// ferry::common — the foundation every other module builds on.
//
// result.h defines how Ferry reports failure: as values, never as exceptions across our own
// APIs (STYLE.md "Error handling"). A fallible function returns `Result<T>` (or `Status` when
// there is no value), which holds either the value or an `Error`.
//
// An `Error` carries:
//   * a closed error code (`Errc`) that callers branch on and that the API layer maps to an
//     HTTP status in exactly one place;
//   * a lower-case message naming the failed operation's cause ("No space left on device");
//   * a chain of context frames added on the way up ("rename", "insert chunk ab.. into store
//     'main' failed"). `Error::to_string()` renders them outermost first, joined by ": ".
//
// Messages never contain secrets.
//
// Propagation uses FERRY_TRY (discard the value) and FERRY_TRY_ASSIGN (bind it); these are the
// only control-flow macros in the project.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <tl/expected.hpp>

namespace ferry {

// Closed set of error kinds. Never reorder: tests and the HTTP mapping name them.
enum class Errc {
  InvalidArgument,   // the caller's input is malformed or out of range
  NotFound,          // a named object does not exist
  AlreadyExists,     // a create collided with an existing object
  PermissionDenied,  // authenticated, but lacking a privilege
  Unauthenticated,   // no or invalid credentials
  Conflict,          // stale digest, lock held, state does not allow the operation
  Corruption,        // stored or received data fails a format or checksum check
  Io,                // the operating system refused an I/O operation
  Unavailable,       // a peer or resource is temporarily unreachable
  Cancelled,         // the operation was aborted on request
  Timeout,           // a deadline passed
  Internal,          // a bug: an invariant did not hold
};

// Stable lower-case name of an error code ("invalid-argument", ...).
std::string_view errc_name(Errc code);

// A failure value. Cheap to move; copying copies the strings.
class Error {
 public:
  Error(Errc code, std::string message) : code_(code), message_(std::move(message)) {}

  Errc code() const { return code_; }
  // The innermost message, without context frames.
  const std::string& message() const { return message_; }
  // Context frames, innermost first.
  const std::vector<std::string>& context() const { return context_; }

  // Adds an outer context frame and returns the error (for chaining on temporaries).
  Error& add_context(std::string frame) & {
    context_.push_back(std::move(frame));
    return *this;
  }
  Error&& add_context(std::string frame) && {
    context_.push_back(std::move(frame));
    return std::move(*this);
  }

  // "outer: inner: message".
  std::string to_string() const;

 private:
  Errc code_;
  std::string message_;
  std::vector<std::string> context_;
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

// The success value of a Status.
inline Status ok() { return {}; }

// Builds an error result: `return make_error(Errc::NotFound, "no datastore '{}'", name);`
template <typename... Args>
tl::unexpected<Error> make_error(Errc code, fmt::format_string<Args...> f, Args&&... args) {
  return tl::unexpected<Error>(Error(code, fmt::format(f, std::forward<Args>(args)...)));
}

// An error from an errno value: the message is strerror(err). ENOENT maps to NotFound,
// EEXIST to AlreadyExists, EACCES/EPERM to PermissionDenied, anything else to `code`.
tl::unexpected<Error> errno_error(int err, Errc code = Errc::Io);

// Adds a context frame to a failed result and passes a success through unchanged.
template <typename T, typename... Args>
Result<T> with_context(Result<T>&& r, fmt::format_string<Args...> f, Args&&... args) {
  if (!r) r.error().add_context(fmt::format(f, std::forward<Args>(args)...));
  return std::move(r);
}

}  // namespace ferry

#define FERRY_CONCAT_INNER_(a, b) a##b
#define FERRY_CONCAT_(a, b) FERRY_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Result or Status); on failure returns its error from the enclosing
// function, which must itself return a Result or Status.
#define FERRY_TRY(expr)                                                       \
  do {                                                                        \
    auto&& ferry_try_r_ = (expr);                                             \
    if (!ferry_try_r_) return ::tl::unexpected(std::move(ferry_try_r_).error()); \
  } while (0)

// `FERRY_TRY_ASSIGN(auto x, expr);` binds the value of a successful `expr` to `x`, or returns
// the error. `decl` may be a declaration or an existing lvalue.
#define FERRY_TRY_ASSIGN(decl, expr) FERRY_TRY_ASSIGN_IMPL_(FERRY_CONCAT_(ferry_try_, __LINE__), decl, expr)
#define FERRY_TRY_ASSIGN_IMPL_(tmp, decl, expr)                   \
  auto&& tmp = (expr);                                            \
  if (!tmp) return ::tl::unexpected(std::move(tmp).error());      \
  decl = std::move(*tmp)

// Coroutine twins of the above, for functions returning awaitable<Result<T>>.
#define FERRY_CO_TRY(expr)                                                       \
  do {                                                                           \
    auto&& ferry_try_r_ = (expr);                                                \
    if (!ferry_try_r_) co_return ::tl::unexpected(std::move(ferry_try_r_).error()); \
  } while (0)
#define FERRY_CO_TRY_ASSIGN(decl, expr) FERRY_CO_TRY_ASSIGN_IMPL_(FERRY_CONCAT_(ferry_try_, __LINE__), decl, expr)
#define FERRY_CO_TRY_ASSIGN_IMPL_(tmp, decl, expr)                  \
  auto&& tmp = (expr);                                              \
  if (!tmp) co_return ::tl::unexpected(std::move(tmp).error());     \
  decl = std::move(*tmp)
