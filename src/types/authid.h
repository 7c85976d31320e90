// Userid and Authid: who is acting (auth.md §1).
//
//   Userid = <name>@<realm>            split at the last '@'; 3..64 characters in total
//   Authid = <Userid>[!<tokenname>]    token separator: the last '!' after the last '@'
//
// <name> is one or more characters, none of them whitespace, ':', '/' or control characters;
// <realm> and <tokenname> are safe ids (realm 3..32 characters). Values are always valid.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::types {

class Userid {
 public:
  // InvalidArgument naming the input and the reason.
  static Result<Userid> parse(std::string_view text);

  const std::string& name() const { return name_; }
  const std::string& realm() const { return realm_; }
  std::string to_string() const { return name_ + "@" + realm_; }
  // root@pam, the superuser.
  bool is_root() const { return name_ == "root" && realm_ == "pam"; }

  auto operator<=>(const Userid&) const = default;

 private:
  Userid(std::string n, std::string r) : name_(std::move(n)), realm_(std::move(r)) {}
  std::string name_;
  std::string realm_;
};

class Authid {
 public:
  static Result<Authid> parse(std::string_view text);
  static Authid from_user(Userid user) { return Authid(std::move(user), std::nullopt); }
  static Authid root() { return from_user(*Userid::parse("root@pam")); }

  const Userid& user() const { return user_; }
  bool is_token() const { return token_.has_value(); }
  const std::optional<std::string>& token_name() const { return token_; }
  std::string to_string() const;
  // Only the user root@pam itself, never one of its tokens.
  bool is_root() const { return !token_ && user_.is_root(); }

  auto operator<=>(const Authid&) const = default;

 private:
  Authid(Userid u, std::optional<std::string> t) : user_(std::move(u)), token_(std::move(t)) {}
  Userid user_;
  std::optional<std::string> token_;
};

}  // namespace ferry::types
