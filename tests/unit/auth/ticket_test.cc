#include "auth/ticket.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/manual_clock.h"

namespace ferry::auth {
namespace {

constexpr int64_t kT0 = 0x6553F100;  // 2023-11-14T22:13:52Z

types::Userid uid(std::string_view s) { return *types::Userid::parse(s); }

Keyring golden_keyring() {
  auto pem = fs::read_text_file(FERRY_TEST_DATA_DIR "/auth/authkey.key", 1 << 16);
  EXPECT_TRUE(pem.has_value());
  auto ring = Keyring::from_private_pem(pem ? *pem : "");
  EXPECT_TRUE(ring.has_value());
  return ring ? *ring : Keyring();
}

// Signatures made with `openssl pkeyutl -sign -rawin` over the shown text with
// tests/data/auth/authkey.key (see tests/data/auth/README.md).
constexpr std::string_view kRootTicket =
    "PBS:root@pam:6553F100::9xhgHekmuosmEBvO3o1Aq4P1aWvkrXhfdGelOHbd3H3W1/EEojuI/G3nrC/m8pE9ywVYj3"
    "CjYroTWFxhKHOmDw";
constexpr std::string_view kAliceTicket =
    "PBS:alice@pbs:6553F100::IoLspCc/0Td3vfSv/8sbwORroXtYOSfoBI1k0DrgN0UbdWr44/+snvPD8LSghCvNL30zQ"
    "yrmJOgEHJwBED9oBQ";

TEST(TicketTest, CreatesTheGoldenTicketByteForByte) {
  Keyring ring = golden_keyring();
  EXPECT_EQ(*create_user_ticket(ring, uid("root@pam"), kT0), kRootTicket);
  EXPECT_EQ(*create_user_ticket(ring, uid("alice@pbs"), kT0), kAliceTicket);
}

TEST(TicketTest, VerifiesWithThePublicKeyOnly) {
  auto pub = fs::read_text_file(FERRY_TEST_DATA_DIR "/auth/authkey.pub", 1 << 16);
  ASSERT_TRUE(pub.has_value());
  auto ring = Keyring::from_public_pem(*pub);
  ASSERT_TRUE(ring.has_value()) << ring.error().to_string();
  EXPECT_FALSE(ring->can_sign());
  auto user = verify_user_ticket(*ring, kRootTicket, kT0 + 10);
  ASSERT_TRUE(user.has_value()) << user.error().to_string();
  EXPECT_EQ(user->to_string(), "root@pam");
  EXPECT_FALSE(create_user_ticket(*ring, uid("root@pam"), kT0).has_value());
}

TEST(TicketTest, ValidityWindowIsMinus300To7200Seconds) {
  Keyring ring = *Keyring::generate_ed25519();
  test::ManualClock clock(kT0);
  auto ticket = create_user_ticket(ring, uid("alice@pbs"), clock.epoch());
  ASSERT_TRUE(ticket.has_value());
  struct Case {
    int64_t now;
    const char* error;  // nullptr: valid
  };
  const Case cases[] = {
      {kT0 - 301, "invalid ticket - timestamp newer than expected"},
      {kT0 - 300, nullptr},
      {kT0, nullptr},
      {kT0 + 7200, nullptr},
      {kT0 + 7201, "invalid ticket - expired"},
  };
  for (const auto& c : cases) {
    clock.set_epoch(c.now);
    auto user = verify_user_ticket(ring, *ticket, clock.epoch());
    if (!c.error) {
      EXPECT_TRUE(user.has_value()) << "age " << c.now - kT0 << ": " << user.error().to_string();
    } else {
      ASSERT_FALSE(user.has_value()) << "age " << c.now - kT0;
      EXPECT_EQ(user.error().code(), Errc::Unauthenticated);
      EXPECT_EQ(user.error().message(), c.error) << "age " << c.now - kT0;
    }
  }
}

TEST(TicketTest, TamperedTicketsAreRejected) {
  Keyring ring = golden_keyring();
  const std::string good(kAliceTicket);
  struct Case {
    std::string ticket;
    const char* error;
  };
  std::string flipped_sig = good;
  flipped_sig[good.size() - 5] = flipped_sig[good.size() - 5] == 'A' ? 'B' : 'A';
  const Case cases[] = {
      // Another user's name with alice's signature.
      {"PBS:bob@pbs:6553F100::" + good.substr(good.find("::") + 2), "ticket with invalid signature"},
      // A later time with the old signature.
      {"PBS:alice@pbs:6553F101::" + good.substr(good.find("::") + 2),
       "ticket with invalid signature"},
      {flipped_sig, "ticket with invalid signature"},
      {"PVE:alice@pbs:6553F100::" + good.substr(good.find("::") + 2), "ticket with invalid prefix"},
      // A ticket signed by another key.
      {*create_user_ticket(*Keyring::generate_ed25519(), uid("alice@pbs"), kT0),
       "ticket with invalid signature"},
  };
  for (const auto& c : cases) {
    auto user = verify_user_ticket(ring, c.ticket, kT0);
    ASSERT_FALSE(user.has_value()) << c.ticket;
    EXPECT_EQ(user.error().code(), Errc::Unauthenticated) << c.ticket;
    EXPECT_EQ(user.error().message(), c.error) << c.ticket;
  }
}

TEST(TicketTest, GarbageIsRejectedWithParseErrors) {
  Keyring ring = golden_keyring();
  const std::pair<std::string, std::string> cases[] = {
      {"", "ticket without data"},
      {"PBS", "ticket without data"},
      {"PBS:root@pam", "ticket without timestamp"},
      {"PBS:root@pam:6553F100", "ticket without signature"},
      {"PBS:root@pam:6553F100:sig", "ticket without signature separator"},
      {"PBS:root@pam:xyz::AAAA", "ticket with bad timestamp: invalid digit found in string"},
      {"PBS:root@pam:::AAAA", "ticket with bad timestamp: cannot parse integer from empty string"},
      {"PBS:root@pam:6553F100::!!!!", "ticket with bad signature: invalid base64"},
      {"PBS:root@pam:6553F100::AAA=", "ticket with bad signature: invalid base64"},
      {"PBS:%ff:6553F100::AAAA", "invalid ticket, error decoding data: invalid utf-8 sequence"},
      {"PBS:root@pam:6553F100::", "ticket with invalid signature"},
      {"PBS:root@pam:-8000000000000000::AAAA", "invalid ticket - expired"},
      {"PBS:root@pam:7FFFFFFFFFFFFFFF::AAAA", "invalid ticket - timestamp newer than expected"},
  };
  for (const auto& [ticket, error] : cases) {
    auto user = verify_user_ticket(ring, ticket, kT0);
    ASSERT_FALSE(user.has_value()) << ticket;
    EXPECT_EQ(user.error().code(), Errc::Unauthenticated) << ticket;
    EXPECT_EQ(user.error().message(), error) << ticket;
  }
}

TEST(TicketTest, DataIsPercentEncodedAndAadIsSigned) {
  Keyring ring = *Keyring::generate_ed25519();
  Ticket t("PBS", "!tfa!{\"a\":1}\n", kT0);
  auto text = t.sign(ring, "alice@pbs");
  ASSERT_TRUE(text.has_value());
  EXPECT_TRUE(text->starts_with("PBS:!tfa!{\"a\"%3A1}%0A:6553F100::")) << *text;
  auto parsed = Ticket::parse(*text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->data(), "!tfa!{\"a\":1}\n");
  EXPECT_EQ(*parsed->verify(ring, "PBS", "alice@pbs", kT0), "!tfa!{\"a\":1}\n");
  EXPECT_FALSE(parsed->verify(ring, "PBS", "bob@pbs", kT0).has_value());
  EXPECT_FALSE(parsed->verify(ring, "PBS", std::nullopt, kT0).has_value());

  // A partial ticket signed without aad is refused as a login credential.
  Ticket partial("PBS", "!tfa!{}", kT0);
  auto no_aad = partial.sign(ring, std::nullopt);
  auto user = verify_user_ticket(ring, *no_aad, kT0);
  ASSERT_FALSE(user.has_value());
  EXPECT_EQ(user.error().message(), "access denied - second login factor required");

  Ticket junk("PBS", "not a userid", kT0);
  auto bad = verify_user_ticket(ring, *junk.sign(ring, std::nullopt), kT0);
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().message().starts_with("failed to parse contained ticket data: "));
}

TEST(TicketTest, ClientRenewalConstantsMatchPbs) {
  EXPECT_EQ(kTicketLifetime, 7200);
  EXPECT_EQ(kTicketMinAge, -300);
  EXPECT_EQ(kTicketClientCacheLifetime, 7140);
  EXPECT_EQ(kTicketRenewInterval, 900);
}

}  // namespace
}  // namespace ferry::auth
