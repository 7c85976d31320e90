// Authentication tickets (auth.md §2.1; PBS: proxmox_auth_api::ticket).
//
//   PBS:<data>:<TIME>::<SIGNATURE>
//
//   data       percent-encoded (controls, ':' and non-ASCII bytes) — the userid for a full
//              ticket, "!tfa!<json>" for a TFA partial ticket
//   TIME       creation time, epoch seconds, upper-case hex, at least 8 digits
//   SIGNATURE  standard base64 without padding of the signature over "PBS:<data>:<TIME>"
//              (plus ":<aad>" when additional authenticated data is used: partial tickets
//              carry the userid as aad)
//
// Example: PBS:root@pam:6553F100::Y3Vyc2VkIGJ5dGVz...
//
// Validity (verify): age = now − TIME must satisfy −300 ≤ age ≤ 7200: the ticket lives 2 hours
// and may come from a clock up to 5 minutes ahead. Renewal: a client presents a valid ticket
// as the password of POST /access/ticket and gets a new one (auth_context.h); the PBS client
// caches a ticket for 7200 − 60 s and renews it every 15 minutes (constants below, for client/).
//
// Every failure is Errc::Unauthenticated with PBS's reason text (the HTTP layer renders
// "authentication failed - <reason>"). The time comes in as a parameter: callers read it from a
// Clock.
//
// Value type; thread-compatible. Signing/verification is fast (Ed25519) and does not block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/keyring.h"
#include "common/bytes.h"
#include "common/result.h"
#include "types/authid.h"

namespace ferry::auth {

inline constexpr std::string_view kAuthPrefix = "PBS";
inline constexpr int64_t kTicketLifetime = 7200;  // seconds
inline constexpr int64_t kTicketMinAge = -300;    // clock skew allowance into the future
// Client-side policy (PBS client): cache for lifetime − 60 s, renew every 15 minutes.
inline constexpr int64_t kTicketClientCacheLifetime = kTicketLifetime - 60;
inline constexpr int64_t kTicketRenewInterval = 15 * 60;

// Accepted range of `now − TIME`, both ends inclusive.
struct TicketTimeFrame {
  int64_t min_age = kTicketMinAge;
  int64_t max_age = kTicketLifetime;
};

class Ticket {
 public:
  // An unsigned ticket.
  Ticket(std::string prefix, std::string data, int64_t time)
      : prefix_(std::move(prefix)), data_(std::move(data)), time_(time) {}

  // Splits a ticket string (no signature check). Unauthenticated "ticket without data",
  // "ticket with bad timestamp: ...", "ticket without signature separator", "ticket with bad
  // signature: ...", "invalid ticket, error decoding data: ..." and the like.
  static Result<Ticket> parse(std::string_view text);

  const std::string& prefix() const { return prefix_; }
  const std::string& data() const { return data_; }  // decoded; unverified unless verify()ed
  int64_t time() const { return time_; }
  const std::optional<Bytes>& signature() const { return signature_; }

  // Signs and returns the ticket string. InvalidArgument if the keyring cannot sign.
  Result<std::string> sign(const Keyring& keyring, std::optional<std::string_view> aad);

  // Checks, in PBS's order, prefix ("ticket with invalid prefix"), age ("invalid ticket -
  // timestamp newer than expected" / "invalid ticket - expired") and signature ("ticket with
  // invalid signature"); returns the data.
  Result<std::string> verify(const Keyring& keyring, std::string_view prefix,
                             std::optional<std::string_view> aad, int64_t now,
                             TicketTimeFrame frame = {}) const;

 private:
  std::string signed_text() const;  // "<prefix>:<data>:<TIME>", encoded
  std::string prefix_;
  std::string data_;
  int64_t time_;
  std::optional<Bytes> signature_;
};

// A full ticket for `userid`, made at `now`.
Result<std::string> create_user_ticket(const Keyring& keyring, const types::Userid& userid,
                                       int64_t now);

// Verifies a full ticket with the standard time frame and returns its userid.
// Unauthenticated as for Ticket::parse/verify, plus "access denied - second login factor
// required" for a partial (TFA) ticket and "failed to parse contained ticket data: ..." when the
// data is not a userid.
Result<types::Userid> verify_user_ticket(const Keyring& keyring, std::string_view ticket,
                                         int64_t now);

}  // namespace ferry::auth
