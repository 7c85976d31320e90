#include "auth/realms.h"

#include "auth/pam_authenticator.h"
#include "auth/password.h"
#include "auth/pbs_authenticator.h"

namespace ferry::auth {

Realms::Realms(const config::ConfigDir& dir, std::string pam_service) {
  realms_.emplace("pam", std::make_unique<PamAuthenticator>(std::move(pam_service)));
  realms_.emplace("pbs", std::make_unique<PbsAuthenticator>(dir));
}

void Realms::set_authenticator(std::string realm, std::unique_ptr<Authenticator> authenticator) {
  realms_.insert_or_assign(std::move(realm), std::move(authenticator));
}

Authenticator* Realms::lookup(std::string_view realm) const {
  auto it = realms_.find(realm);
  return it == realms_.end() ? nullptr : it->second.get();
}

Status Realms::authenticate_user(const types::Userid& userid, std::string_view password) const {
  Authenticator* authenticator = lookup(userid.realm());
  if (!authenticator) {
    burn_verification_time(password);
    return make_error(Errc::Unauthenticated, "unknown realm '{}'", userid.realm());
  }
  auto st = authenticator->authenticate_user(userid.name(), password);
  if (!st && st.error().code() != Errc::Unauthenticated) {
    // Any failure of a realm is an authentication failure to the caller; keep the detail.
    return make_error(Errc::Unauthenticated, "{}", st.error().to_string());
  }
  return st;
}

}  // namespace ferry::auth
