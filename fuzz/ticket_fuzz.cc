// libFuzzer target: everything that reads credentials from a request — ticket parsing and
// verification, CSRF token verification and cookie extraction.
//
// Besides "no crash, no sanitizer report, no hang", it checks that a parsed ticket's data and
// time survive signing: re-signing the parsed fields with our key yields a ticket that parses
// to the same fields and verifies. Useful seeds: "PBS:root@pam:6553F100::<base64>".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/auth_context.h"
#include "auth/csrf.h"
#include "auth/keyring.h"
#include "auth/ticket.h"

namespace {

constexpr size_t kMaxInput = 16 * 1024;
constexpr int64_t kNow = 0x6553F100;

const ferry::auth::Keyring& keyring() {
  static const ferry::auth::Keyring ring = *ferry::auth::Keyring::generate_ed25519();
  return ring;
}

const ferry::auth::CsrfSecret& csrf() {
  static const ferry::auth::CsrfSecret secret =
      ferry::auth::CsrfSecret::from_file_content("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  return secret;
}

// PBS-compat limits of the round trip (both PBS's too): '%' is not in the encode set, so
// decoded data containing it re-decodes differently; negative times print as 16 hex digits of
// two's complement, which do not parse back.
void check_resign(const ferry::auth::Ticket& parsed) {
  if (parsed.time() < 0 || parsed.prefix().find('%') != std::string::npos ||
      parsed.data().find('%') != std::string::npos) {
    return;
  }
  ferry::auth::Ticket copy(parsed.prefix(), parsed.data(), parsed.time());
  auto text = copy.sign(keyring(), std::nullopt);
  if (!text) std::abort();
  auto back = ferry::auth::Ticket::parse(*text);
  if (!back || back->prefix() != parsed.prefix() || back->data() != parsed.data() ||
      back->time() != parsed.time()) {
    std::fprintf(stderr, "re-signed ticket does not round-trip: %s\n", text->c_str());
    std::abort();
  }
  if (!back->verify(keyring(), parsed.prefix(), std::nullopt, parsed.time())) {
    std::fprintf(stderr, "re-signed ticket does not verify: %s\n", text->c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto parsed = ferry::auth::Ticket::parse(text)) {
    (void)parsed->verify(keyring(), ferry::auth::kAuthPrefix, std::nullopt, kNow);
    (void)parsed->verify(keyring(), ferry::auth::kAuthPrefix, "root@pam", kNow);
    check_resign(*parsed);
  }
  (void)ferry::auth::verify_user_ticket(keyring(), text, kNow);

  static const auto root = *ferry::types::Userid::parse("root@pam");
  (void)csrf().verify_token(root, text, kNow);

  if (auto cookie = ferry::auth::extract_cookie(text, ferry::auth::kAuthCookieName)) {
    (void)ferry::auth::verify_user_ticket(keyring(), *cookie, kNow);
  }
  return 0;
}
